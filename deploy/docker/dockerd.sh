#!/usr/bin/env bash
# A Docker engine for this machine (no systemd here): installs it with apt-get when missing, runs
# dockerd in the background, and on stop undoes what dockerd changed (listed below).
#
#   deploy/docker/dockerd.sh start    install what is missing (docker.io, iptables, debootstrap,
#                                     docker-compose), start dockerd unless a daemon already answers
#                                     on /var/run/docker.sock, wait until `docker info` answers
#   deploy/docker/dockerd.sh stop     only when this script started the daemon: stop it by pid (TERM,
#                                     then KILL), then undo what it changed: net.ipv4.ip_forward, the
#                                     iptables FORWARD policy, the net.bridge.* sysctls, the DOCKER*
#                                     chains and the rules it added (nat and filter), the docker0
#                                     bridge and other bridges it created with the veths on them
#   deploy/docker/dockerd.sh status   whether a daemon answers, and who started it
#   deploy/docker/dockerd.sh state    prints the machine state dockerd changes (for a before/after check)
#
# dockerd turns ip_forward on, the FORWARD policy to DROP and leaves its chains and docker0 behind
# when it stops; `start` records the state before (under the state dir) so that `stop` can put it
# back. Images and volumes (/var/lib/docker) are kept.
#
# Settings (environment): CHAT_DOCKER_STATE_DIR (default .local-data/docker), CHAT_DOCKER_TIMEOUT
# seconds to wait for the daemon (60), CHAT_DOCKER_STOP_GRACE seconds before KILL (30).
set -euo pipefail
export LC_ALL=C

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${CHAT_DOCKER_STATE_DIR:-$REPO_DIR/.local-data/docker}"
TIMEOUT="${CHAT_DOCKER_TIMEOUT:-60}"
STOP_GRACE="${CHAT_DOCKER_STOP_GRACE:-30}"
SOCKET=/var/run/docker.sock
PID_FILE="$STATE_DIR/dockerd.pid"
LOG_FILE="$STATE_DIR/dockerd.log"
# What dockerd adds to iptables: its chains and rules naming them, docker0 or its network bridges.
DOCKER_RULE='DOCKER|docker0|br-[0-9a-f]{12}'

log() { printf '%s [dockerd] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

((EUID == 0)) || die "run as root: dockerd, apt-get and iptables need it"

daemon_answers() { DOCKER_HOST="unix://$SOCKET" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# When a process started (clock ticks since boot, /proc/PID/stat field 22): with the pid it names
# one process for good, even after the pid is reused.
start_time() { [[ -r "/proc/$1/stat" ]] && sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{ print $20 }'; }

# The pid of the daemon this script started, if it still runs: the same process, not a later one
# that got its pid (a pid file left from before a reboot, say).
our_pid() {
  [[ -s "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^dockerd ' || return 1
  [[ ! -s "$STATE_DIR/dockerd.started" || "$(start_time "$pid")" == "$(cat "$STATE_DIR/dockerd.started")" ]] || return 1
  echo "$pid"
}

install_missing() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v ip >/dev/null || missing+=(iproute2)
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists (or stale ones): update once, then install.
  apt-get update -qq >"$STATE_DIR/apt.log" 2>&1 || die "apt-get update failed: $(tail -n 5 "$STATE_DIR/apt.log")"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$STATE_DIR/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed: $(tail -n 10 "$STATE_DIR/apt.log")"
  command -v docker >/dev/null || die "no docker client after installing docker.io"
}

forward_policy() { iptables -t filter -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }'; }
links() { ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort; }
# The rules and chains of a table, one a line, as iptables-save prints them (no counters).
table_rules() { iptables-save -t "$1" 2>/dev/null | grep -E '^(:|-A )' | sed -E 's/ \[[0-9]+:[0-9]+\]$//' | sort; }

# The state that dockerd changes, in a form one can compare before and after.
show_state() {
  echo "ip_forward=$(sysctl -n net.ipv4.ip_forward) forward_policy=$(forward_policy) $(bridge_sysctls | tr '\n' ' ')"
  echo "links: $(links | tr '\n' ' ')"
  local table
  for table in filter nat; do
    echo "$table chains: $(table_rules "$table" | awk '/^:/ { print substr($1, 2) }' | tr '\n' ' ')"
    echo "$table rules: $(table_rules "$table" | grep -c '^-A' || true)"
  done
}

record_state() {
  sysctl -n net.ipv4.ip_forward >"$STATE_DIR/ip_forward.before"
  forward_policy >"$STATE_DIR/forward_policy.before"
  links >"$STATE_DIR/links.before"
  table_rules filter >"$STATE_DIR/filter.before"
  table_rules nat >"$STATE_DIR/nat.before"
  if [[ -e /sys/class/net/docker0 ]]; then echo yes; else echo no; fi >"$STATE_DIR/docker0_existed"
  # Docker's network code loads br_netfilter and sends bridged traffic through iptables.
  bridge_sysctls >"$STATE_DIR/bridge_sysctls.before"
}

# name=value of each net.bridge.bridge-nf-* sysctl (none while br_netfilter is not loaded).
bridge_sysctls() {
  local file
  for file in /proc/sys/net/bridge/bridge-nf-call-*; do
    [[ -r "$file" ]] && echo "net.bridge.${file##*/}=$(cat "$file")"
  done
  return 0
}

start() {
  mkdir -p "$STATE_DIR"
  install_missing
  if daemon_answers; then
    if pid="$(our_pid)"; then log "dockerd already runs (pid $pid, started by this script)"
    else log "a Docker daemon already answers on $SOCKET (not started by this script): nothing to do"; fi
    return 0
  fi
  if [[ -s "$PID_FILE" ]] && ! our_pid >/dev/null; then
    # Started by us, but died since: put the machine back before recording its state again.
    log "the dockerd this script started earlier is gone; undoing its changes first"
    restore
  fi
  record_state
  log "state before: $(show_state | tr '\n' ';')"
  log "starting dockerd (log: $LOG_FILE)"
  # Its own session: a Ctrl-C in the terminal that started it does not reach it.
  setsid dockerd --host "unix://$SOCKET" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  start_time $! >"$STATE_DIR/dockerd.started" || true
  date -u +%FT%TZ >"$STATE_DIR/started-at"
  local deadline=$((SECONDS + TIMEOUT))
  until daemon_answers; do
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      restore
      die "dockerd exited during start-up; last lines of $LOG_FILE:
$(tail -n 30 "$LOG_FILE")"
    fi
    if ((SECONDS >= deadline)); then
      stop
      die "dockerd did not answer within ${TIMEOUT}s; last lines of $LOG_FILE:
$(tail -n 30 "$LOG_FILE")"
    fi
    sleep 0.5
  done
  log "dockerd $(DOCKER_HOST="unix://$SOCKET" docker version --format '{{.Server.Version}}') answers (pid $(cat "$PID_FILE"))"
}

# Every descendant of a pid (dockerd's containerd and shims), children first in the output.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$child"; echo "$child"; done
}

stop() {
  if [[ ! -s "$PID_FILE" ]]; then
    if daemon_answers; then log "a Docker daemon answers on $SOCKET but this script did not start it: leaving it alone"
    else log "dockerd does not run"; fi
    return 0
  fi
  local pid children=() deadline
  if pid="$(our_pid)"; then
    # Its containers first, each with its own grace: dockerd's stop would leave their shims, and
    # the published ports' rules, behind if it had to be killed.
    local running=()
    mapfile -t running < <(DOCKER_HOST="unix://$SOCKET" timeout 60 docker ps -q 2>/dev/null || true)
    if ((${#running[@]})); then
      log "stopping its running containers: ${running[*]}"
      DOCKER_HOST="unix://$SOCKET" timeout 90 docker stop -t 20 "${running[@]}" >/dev/null 2>&1 || log "could not stop every container"
    fi
    mapfile -t children < <(descendants "$pid")
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + STOP_GRACE))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then log "dockerd did not stop in ${STOP_GRACE}s, killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.3
    done
    # Its containerd stops with it; after a KILL what it started may linger: stop those too.
    local child
    for child in "${children[@]}"; do
      if kill -0 "$child" 2>/dev/null; then log "stopping its leftover child $child"; kill -TERM "$child" 2>/dev/null || true; fi
    done
    sleep 1
    for child in "${children[@]}"; do kill -KILL "$child" 2>/dev/null || true; done
  else
    log "the dockerd this script started is gone already"
  fi
  restore
}

# Puts back what record_state saw before dockerd started, then forgets it.
restore() {
  local table line chain before now words
  # Rules first (those naming docker's chains in the built-in chains too), then its chains.
  for table in nat filter; do
    before="$STATE_DIR/$table.before"
    [[ -f "$before" ]] || continue
    now="$(table_rules "$table")"
    while IFS= read -r line; do
      [[ -n "$line" ]] || continue
      read -ra words <<<"$line"
      iptables -t "$table" -D "${words[@]:1}" 2>/dev/null || log "could not delete ($table) $line"
    done < <(comm -13 "$before" <(echo "$now") | grep '^-A ' | grep -E "$DOCKER_RULE" || true)
    mapfile -t chains < <(comm -13 "$before" <(echo "$now") | awk '/^:/ { print substr($1, 2) }' | grep -E "$DOCKER_RULE" || true)
    for chain in "${chains[@]}"; do iptables -t "$table" -F "$chain" 2>/dev/null || true; done
    for chain in "${chains[@]}"; do iptables -t "$table" -X "$chain" 2>/dev/null || log "could not delete chain ($table) $chain"; done
  done
  # Each step on its own: one that fails is reported and the others still run.
  if [[ -s "$STATE_DIR/forward_policy.before" ]]; then
    iptables -t filter -P FORWARD "$(cat "$STATE_DIR/forward_policy.before")" || log "could not restore the FORWARD policy"
  fi
  if [[ -s "$STATE_DIR/ip_forward.before" ]]; then
    sysctl -q -w net.ipv4.ip_forward="$(cat "$STATE_DIR/ip_forward.before")" || log "could not restore net.ipv4.ip_forward"
  fi
  if [[ -f "$STATE_DIR/bridge_sysctls.before" ]]; then
    if [[ -s "$STATE_DIR/bridge_sysctls.before" ]]; then
      while IFS= read -r setting; do sysctl -q -w "$setting" || log "could not restore $setting"; done <"$STATE_DIR/bridge_sysctls.before"
    elif [[ -n "$(bridge_sysctls)" ]]; then
      # br_netfilter was not loaded before dockerd: unload it, unless something else uses it now.
      modprobe -r br_netfilter 2>/dev/null || log "br_netfilter stays loaded (in use, or built in)"
    fi
  fi
  # Bridges it created (docker0, br-... of user networks), with the veths still enslaved to them;
  # links of anyone else are not touched.
  if [[ -f "$STATE_DIR/links.before" ]]; then
    local link port
    for link in $(comm -13 "$STATE_DIR/links.before" <(links)); do
      [[ "$link" == docker0 || "$link" == br-* ]] || continue
      for port in $(ip -o link show master "$link" 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
        ip link delete "$port" 2>/dev/null || log "could not delete link $port"
      done
      ip link delete "$link" 2>/dev/null || log "could not delete link $link"
    done
  fi
  log "state after: $(show_state | tr '\n' ';')"
  rm -f "$PID_FILE" "$STATE_DIR"/*.before "$STATE_DIR/docker0_existed" "$STATE_DIR/started-at" "$STATE_DIR/dockerd.started"
}

status() {
  local pid
  if pid="$(our_pid)"; then
    echo "dockerd: running (pid $pid), started by deploy/docker/dockerd.sh at $(cat "$STATE_DIR/started-at" 2>/dev/null || echo '?'); stop undoes its changes"
  elif daemon_answers; then
    echo "dockerd: a daemon answers on $SOCKET, not started by this script (stop leaves it alone)"
  elif [[ -s "$PID_FILE" ]]; then
    echo "dockerd: not running; this script started one that is gone (run stop to undo its changes)"
  else
    echo "dockerd: not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  state) show_state ;;
  *) echo "usage: $0 start|stop|status|state" >&2; exit 2 ;;
esac
