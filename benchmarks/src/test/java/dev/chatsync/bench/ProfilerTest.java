package dev.chatsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfilerTest {

  @Test
  void chargesASampleToTheInnermostLibraryOrOurCodeOrTheJvmsOwnThreads() {
    assertThat(Profiler.layer("java/lang/Thread.run;io/netty/channel/nio/NioEventLoop.run;java/util/HashMap.get".split(";")))
        .isEqualTo("Netty");
    assertThat(Profiler.layer("java/lang/Thread.run;dev/chatsync/fanout/expand/MessageExpander.expand;com/datastax/oss/driver/X.y"
        .split(";"))).isEqualTo("Cassandra driver");
    assertThat(Profiler.layer("java/lang/Thread.run;io/netty/A.b;sun/nio/ch/SocketDispatcher.write0;__write_[k]".split(";")))
        .isEqualTo("kernel (syscalls, network)");
    assertThat(Profiler.layer("clone3;start_thread;JavaThread::thread_main_inner;CompileBroker::compiler_thread_loop;C2Compiler::compile_method"
        .split(";"))).isEqualTo("JIT compiler");
    assertThat(Profiler.layer("clone3;start_thread;GangWorker::loop;G1ParTask::work".split(";"))).isEqualTo("GC");
  }

  @Test
  void sumsSamplesByLayerAndCountsEachOfOurMethodsOncePerStack() {
    Profiler.ProcessProfile profile = Profiler.summarize("fanout-service", List.of(
        "java/lang/Thread.run;dev/chatsync/A.run;dev/chatsync/A.run;com/datastax/oss/driver/S.execute 30",
        "java/lang/Thread.run;dev/chatsync/A.run;tools/jackson/databind/ObjectMapper.readValue 10",
        "clone3;CompileBroker::compiler_thread_loop 60"));

    assertThat(profile.samples()).isEqualTo(100);
    assertThat(profile.byLayer()).containsEntry("Cassandra driver", 30L).containsEntry("Jackson", 10L)
        .containsEntry("JIT compiler", 60L);
    assertThat(profile.byLayer().keySet()).first().isEqualTo("JIT compiler");
    assertThat(profile.ourMethods()).containsEntry("dev/chatsync/A.run", 40L);
  }
}
