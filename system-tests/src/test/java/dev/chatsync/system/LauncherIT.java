package dev.chatsync.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local launcher's own start-up logic (deploy/local/lib.sh), with the race a loaded machine
 * hits made certain: the forked shell takes a while before it becomes the launched process.
 */
class LauncherIT {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void aProcessStillBecomingItselfIsNotTakenForDead(@TempDir Path dataDir) throws Exception {
    // The child sleeps before its exec, as a shell does on a busy machine before java replaces
    // it; only after the exec does its command line carry the launch mark (here through exec -a).
    // The mark is spelled nowhere in a command line before that exec, not even in this script's.
    String script = """
        source deploy/local/lib.sh
        name=slow; name+=-starter
        pidfile="$RUN_DIR/$name.pid"
        MARK="$(launch_mark "$name")" nohup bash -c 'sleep 1; exec -a "$MARK" sleep 30' >/dev/null 2>&1 &
        record_launch "$pidfile" $!
        if pid_alive "$pidfile"; then echo alive; else echo "taken for dead"; fi
        kill "$(cat "$pidfile")"
        """;
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(REPO.toFile()).redirectErrorStream(true);
    builder.environment().put("CHAT_DATA_DIR", dataDir.toString());
    Process bash = builder.start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(output.strip()).isEqualTo("alive");
  }
}
