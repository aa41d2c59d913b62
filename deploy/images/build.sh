#!/usr/bin/env bash
# Builds chatsync's container images in the local Docker daemon, without any registry.
#
#   deploy/images/build.sh [--base auto|public|local] [--no-package] [--no-cache] [NAME...]
#
# NAME is any of: gateway-service message-service fanout-service sync-service setup kafka cassandra
# (default: all of them). Images (tag = the project version for ours):
#   chatsync/<service>:0.1.0-SNAPSHOT   the four services (deploy/images/service/Dockerfile)
#   chatsync/setup:0.1.0-SNAPSHOT       topics + schema migrations as a one-shot container
#   chatsync/kafka:4.1.1                a KRaft broker, also a Testcontainers substitute for apache/kafka
#   chatsync/cassandra:5.0.6            a Cassandra node, also a Testcontainers substitute for cassandra
#
# --base picks the JRE the images are built FROM (the Dockerfiles' BASE_IMAGE):
#   auto    eclipse-temurin:17-jre if the daemon has it or can pull it, else the local JRE (default)
#   public  eclipse-temurin:17-jre, pulled if missing
#   local   chatsync/jre:17, built here if missing: chatsync/debian:bookworm (debootstrap minbase from
#           the machine's Debian mirror, docker import) plus apt's openjdk-17-jre-headless
# --no-package reuses <service>/target/<service>.jar instead of running ./mvnw -B -DskipTests package.
# --no-cache builds every layer again (docker build --no-cache); the local bases are rebuilt only
# when missing (docker rmi chatsync/jre:17 chatsync/debian:bookworm to rebuild them).
#
# Needs a Docker daemon (deploy/docker/dockerd.sh start), Java 17 with javac, and Maven Central
# (through ./mvnw) for the jars. Build contexts are small staging directories under
# .local-data/image-build/, never the repository.
set -euo pipefail
export LC_ALL=C

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IMAGES_DIR="$REPO_DIR/deploy/images"
STAGE_DIR="${CHAT_IMAGE_STAGE_DIR:-$REPO_DIR/.local-data/image-build}"
PUBLIC_JRE="eclipse-temurin:17-jre"
LOCAL_DEBIAN="chatsync/debian:bookworm"
LOCAL_JRE="chatsync/jre:17"
SERVICES=(gateway-service message-service fanout-service sync-service)
ALL=("${SERVICES[@]}" setup kafka cassandra)

log() { printf '%s [images] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

base_mode=auto package=true cache_args=() names=()
while (($#)); do
  case "$1" in
    --base) base_mode="${2:-}"; shift 2 ;;
    --base=*) base_mode="${1#--base=}"; shift ;;
    --no-package) package=false; shift ;;
    --no-cache) cache_args=(--no-cache); shift ;;
    -h|--help) usage ;;
    -*) die "unknown option $1" ;;
    *) names+=("$1"); shift ;;
  esac
done
[[ "$base_mode" == auto || "$base_mode" == public || "$base_mode" == local ]] || die "--base is auto, public or local, not '$base_mode'"
((${#names[@]})) || names=("${ALL[@]}")
for name in "${names[@]}"; do
  [[ " ${ALL[*]} " == *" $name "* ]] || die "unknown image '$name'; known: ${ALL[*]}"
done
wants() { [[ " ${names[*]} " == *" $1 "* ]]; }
wants_service() { local s; for s in "${SERVICES[@]}"; do wants "$s" && return 0; done; return 1; }

command -v docker >/dev/null || die "no docker client; deploy/docker/dockerd.sh start installs and starts Docker"
docker info >/dev/null 2>&1 || die "no Docker daemon answers; start one with deploy/docker/dockerd.sh start"

VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$REPO_DIR/pom.xml" | head -n 1)"
[[ -n "$VERSION" ]] || die "could not read the project version from pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$REPO_DIR/deploy/local/classpath/kafka/pom.xml")"
CASSANDRA_VERSION="$(sed -n 's:.*<artifactId>cassandra-all</artifactId><version>\(.*\)</version>.*:\1:p' "$REPO_DIR/deploy/local/classpath/cassandra/pom.xml")"
[[ -n "$KAFKA_VERSION" && -n "$CASSANDRA_VERSION" ]] || die "could not read the Kafka/Cassandra versions from deploy/local/classpath/*/pom.xml"

mkdir -p "$STAGE_DIR"
LOG="$STAGE_DIR/build.log"
: >"$LOG"
BUILD_START=$SECONDS
declare -A TIMES=()
BUILT=()

# run WHAT COMMAND...: output to the build log, its tail on failure.
run() {
  local what="$1"; shift
  echo "### $what: $*" >>"$LOG"
  "$@" >>"$LOG" 2>&1 || die "$what failed; last lines of $LOG:
$(tail -n 40 "$LOG")"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# A fresh staging directory for one image's build context.
stage() { rm -rf "${STAGE_DIR:?}/$1"; mkdir -p "$STAGE_DIR/$1"; echo "$STAGE_DIR/$1"; }

# docker_build IMAGE CONTEXT DOCKERFILE [ARG...]; the time reported runs from IMAGE_STARTED (set
# before the image's staging: copying jars, compiling) to the end of docker build.
IMAGE_STARTED=$SECONDS
docker_build() {
  local image="$1" context="$2" dockerfile="$3" started=$IMAGE_STARTED; shift 3
  local previous; previous="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
  log "building $image"
  run "docker build $image" docker build --pull=false "${cache_args[@]}" -t "$image" -f "$dockerfile" \
    --label "org.opencontainers.image.version=$VERSION" "$@" "$context"
  TIMES[$image]=$((SECONDS - started))
  BUILT+=("$image")
  log "built $image in ${TIMES[$image]}s"
  # The image this tag named before is garbage now, unless a container still uses it.
  if [[ -n "$previous" && "$previous" != "$(docker image inspect -f '{{.Id}}' "$image")" ]]; then
    docker rmi "$previous" >/dev/null 2>&1 || true
  fi
}

# ---- base images ---------------------------------------------------------------------------------

# The Debian mirror (and security mirror) from the machine's apt sources.
debian_mirror() {
  local uri
  uri="$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { print $2 }'
           cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '/^deb / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }') \
          | grep -v -- '-security' | head -n 1)"
  echo "${uri:-http://deb.debian.org/debian}"
}
debian_security_mirror() {
  local uri
  uri="$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { print $2 }'
           cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '/^deb / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }') \
          | grep -- '-security' | head -n 1)"
  echo "${uri:-http://deb.debian.org/debian-security}"
}

build_local_debian() {
  if image_exists "$LOCAL_DEBIAN"; then log "$LOCAL_DEBIAN exists, kept"; return; fi
  command -v debootstrap >/dev/null || die "debootstrap is missing (deploy/docker/dockerd.sh start installs it, or apt-get install debootstrap)"
  local mirror security rootfs started=$SECONDS
  mirror="$(debian_mirror)"; security="$(debian_security_mirror)"
  rootfs="$STAGE_DIR/debian-rootfs"
  rm -rf "$rootfs"
  log "building $LOCAL_DEBIAN: debootstrap --variant=minbase bookworm from $mirror (about a minute)"
  run "debootstrap" debootstrap --variant=minbase bookworm "$rootfs" "$mirror"
  # Updates and security fixes for what later layers install; no package cache in the image.
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/90chatsync-image" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/tmp/*
  run "docker import $LOCAL_DEBIAN" bash -c "tar -C '$rootfs' --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD [\"/bin/bash\"]' - '$LOCAL_DEBIAN'"
  rm -rf "$rootfs"
  TIMES[$LOCAL_DEBIAN]=$((SECONDS - started))
  BUILT+=("$LOCAL_DEBIAN")
  log "built $LOCAL_DEBIAN in ${TIMES[$LOCAL_DEBIAN]}s"
}

build_local_jre() {
  if image_exists "$LOCAL_JRE"; then log "$LOCAL_JRE exists, kept"; return; fi
  build_local_debian
  IMAGE_STARTED=$SECONDS
  local context; context="$(stage jre)"
  docker_build "$LOCAL_JRE" "$context" "$IMAGES_DIR/jre/Dockerfile" --build-arg "DEBIAN_IMAGE=$LOCAL_DEBIAN"
}

choose_base() {
  case "$base_mode" in
    public)
      image_exists "$PUBLIC_JRE" || run "docker pull $PUBLIC_JRE" docker pull "$PUBLIC_JRE"
      BASE_IMAGE="$PUBLIC_JRE" ;;
    local)
      build_local_jre
      BASE_IMAGE="$LOCAL_JRE" ;;
    auto)
      if image_exists "$PUBLIC_JRE"; then
        BASE_IMAGE="$PUBLIC_JRE"
      elif timeout 60 docker pull "$PUBLIC_JRE" >>"$LOG" 2>&1; then
        BASE_IMAGE="$PUBLIC_JRE"
      else
        log "$PUBLIC_JRE cannot be pulled here: using the local JRE $LOCAL_JRE"
        build_local_jre
        BASE_IMAGE="$LOCAL_JRE"
      fi ;;
  esac
  log "base image: $BASE_IMAGE"
}

# ---- our images ------------------------------------------------------------------------------------

mvnw() { "$REPO_DIR/mvnw" -B "$@"; }

# copy_dependencies POM DIR: the pom's runtime classpath, as jars, into DIR. Resolved once into a
# cache beside the staging directories and again only when the pom (or the root pom, whose
# versions the setup pom inherits) changed; DIR gets hard links.
copy_dependencies() {
  local pom="$1" dir="$2" cache stamp
  cache="$STAGE_DIR/dependencies/$(basename "$(dirname "$pom")")"
  stamp="$cache.stamp"
  if [[ ! -f "$stamp" || "$pom" -nt "$stamp" || "$REPO_DIR/pom.xml" -nt "$stamp" ]]; then
    rm -rf "$cache" "$stamp"
    mkdir -p "$cache"
    run "copy the dependencies of $pom" mvnw -q -f "$pom" dependency:copy-dependencies \
      -DoutputDirectory="$cache" -DincludeScope=runtime -Dmdep.useRepositoryLayout=false
    touch "$stamp"
  fi
  mkdir -p "$dir"
  cp -al "$cache"/. "$dir"/ 2>/dev/null || cp -a "$cache"/. "$dir"/
}

package_services() {
  local list=() s
  for s in "${SERVICES[@]}"; do wants "$s" && list+=("$s"); done
  if [[ "$package" == true ]]; then
    local started=$SECONDS
    log "packaging ${list[*]} (./mvnw -B -DskipTests package)"
    run "./mvnw package" mvnw -DskipTests -pl "$(IFS=,; echo "${list[*]}")" -am package
    log "packaged in $((SECONDS - started))s"
  fi
  for s in "${list[@]}"; do
    [[ -f "$REPO_DIR/$s/target/$s.jar" ]] || die "$s/target/$s.jar is missing; run without --no-package"
  done
}

service_port() {
  case "$1" in
    gateway-service) echo 8080 ;; message-service) echo 8081 ;; fanout-service) echo 8082 ;; sync-service) echo 8083 ;;
  esac
}

build_service() {
  local service="$1" context
  context="$(stage "$service")"
  cp "$REPO_DIR/$service/target/$service.jar" "$context/app.jar"
  docker_build "chatsync/$service:$VERSION" "$context" "$IMAGES_DIR/service/Dockerfile" \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "SERVICE=$service" --build-arg "PORT=$(service_port "$service")"
}

build_setup() {
  local context; context="$(stage setup)"
  mkdir -p "$context/lib" "$context/classes"
  copy_dependencies "$REPO_DIR/deploy/setup/pom.xml" "$context/lib"
  run "javac ChatSetup.java" javac --release 17 -nowarn -d "$context/classes" -cp "$context/lib/*" "$REPO_DIR/deploy/setup/ChatSetup.java"
  cp -r "$REPO_DIR/deploy/cassandra/migrations" "$context/migrations"
  cp "$REPO_DIR/deploy/kafka/topics.conf" "$context/topics.conf"
  docker_build "chatsync/setup:$VERSION" "$context" "$IMAGES_DIR/setup/Dockerfile" --build-arg "BASE_IMAGE=$BASE_IMAGE"
}

build_kafka() {
  local context; context="$(stage kafka)"
  mkdir -p "$context/libs"
  copy_dependencies "$REPO_DIR/deploy/local/classpath/kafka/pom.xml" "$context/libs"
  cp "$IMAGES_DIR/kafka/run" "$IMAGES_DIR/kafka/log4j2.properties" "$IMAGES_DIR/kafka/tools-log4j2.properties" "$context/"
  docker_build "chatsync/kafka:$KAFKA_VERSION" "$context" "$IMAGES_DIR/kafka/Dockerfile" --build-arg "BASE_IMAGE=$BASE_IMAGE"
}

build_cassandra() {
  local context; context="$(stage cassandra)"
  mkdir -p "$context/lib" "$context/cqlsh-classes"
  copy_dependencies "$REPO_DIR/deploy/local/classpath/cassandra/pom.xml" "$context/lib"
  # Jars for other platforms (macOS, Windows, ARM, RISC-V natives): dead weight in a linux/amd64 image.
  rm -f "$context"/lib/*-osx-*.jar "$context"/lib/*-windows-*.jar "$context"/lib/*-linux-aarch_64.jar "$context"/lib/*-linux-riscv64.jar
  # The cqlsh stand-in, compiled against the CQL driver that cassandra-all brings along.
  run "javac Cqlsh.java" javac --release 17 -nowarn -d "$context/cqlsh-classes" -cp "$context/lib/*" "$IMAGES_DIR/cassandra/Cqlsh.java"
  cp "$IMAGES_DIR/cassandra/docker-entrypoint.sh" "$IMAGES_DIR/cassandra/cqlsh" "$IMAGES_DIR/cassandra/nodetool" \
     "$IMAGES_DIR/cassandra/logback.xml" "$IMAGES_DIR/cassandra/logback-tools.xml" "$IMAGES_DIR/cassandra/jvm17.options" "$context/"
  docker_build "chatsync/cassandra:$CASSANDRA_VERSION" "$context" "$IMAGES_DIR/cassandra/Dockerfile" --build-arg "BASE_IMAGE=$BASE_IMAGE"
}

# ---- main ----------------------------------------------------------------------------------------

log "images: ${names[*]} (log: $LOG)"
choose_base
if wants_service; then package_services; fi
for service in "${SERVICES[@]}"; do
  if wants "$service"; then IMAGE_STARTED=$SECONDS; build_service "$service"; fi
done
# The extraction stages' untagged images (the jar and its extracted copy, per build): only ours.
if wants_service; then docker image prune -f --filter label=dev.chatsync.image-stage=extract >/dev/null; fi
for image in setup kafka cassandra; do
  if wants "$image"; then IMAGE_STARTED=$SECONDS; "build_$image"; fi
done

echo
printf '%-42s %10s %8s\n' IMAGE SIZE "BUILD"
for image in "${BUILT[@]}"; do
  printf '%-42s %10s %7ss\n' "$image" "$(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1000000 }')" "${TIMES[$image]}"
done
echo "base: $BASE_IMAGE ($(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{ printf "%.0f MB", $1 / 1000000 }'))"
echo "total build time: $((SECONDS - BUILD_START))s"
