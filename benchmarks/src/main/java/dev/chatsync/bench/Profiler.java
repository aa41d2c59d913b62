package dev.chatsync.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * async-profiler (the Maven Central build bundled in this jar) attached to every process of the
 * system for the sending part of one load step: which process burns the CPU and, inside it, in
 * which layer and which of our methods. Writes a flame graph and collapsed stacks per process.
 */
final class Profiler implements LoadStep.Window {

  /** The processes of a local system, by the pid files deploy/local writes. */
  static final List<String> PROCESSES = List.of("cassandra", "kafka", "gateway-service", "message-service", "fanout-service",
      "sync-service");
  private static final int INTERVAL_MICROS = 2_000;

  /** One process's share of the step's samples, by layer and by method. */
  record ProcessProfile(String process, long samples, Map<String, Long> byLayer, Map<String, Long> ourMethods) {}

  record Summary(String step, long totalSamples, List<ProcessProfile> processes) {}

  private final Path library;
  private final Map<String, Long> pids;
  private final Path folder;
  private final String label;

  private Profiler(Path library, Map<String, Long> pids, Path folder, String label) {
    this.library = library;
    this.pids = pids;
    this.folder = folder;
    this.label = label;
  }

  /** A profiler for the processes whose pid files are in {@code runDir}, or null where it cannot run. */
  static Profiler forSystem(Path runDir, Path folder, String label) throws IOException {
    String platform = switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "linux-x64";
      case "aarch64" -> "linux-arm64";
      default -> null;
    };
    if (platform == null || !System.getProperty("os.name").startsWith("Linux")) {
      System.out.println("  async-profiler runs here only on Linux x64 or arm64: no profile");
      return null;
    }
    Map<String, Long> pids = new LinkedHashMap<>();
    for (String process : PROCESSES) {
      Path pidFile = runDir.resolve(process + ".pid");
      if (Files.exists(pidFile)) {
        pids.put(process, Long.parseLong(Files.readString(pidFile).strip()));
      }
    }
    Files.createDirectories(folder);
    Path library = folder.resolve("libasyncProfiler.so");
    try (InputStream bundled = Profiler.class.getClassLoader().getResourceAsStream(platform + "/libasyncProfiler.so")) {
      if (bundled == null) {
        System.out.println("  async-profiler is not in this jar: no profile");
        return null;
      }
      Files.copy(bundled, library, StandardCopyOption.REPLACE_EXISTING);
    }
    return new Profiler(library, pids, folder, label);
  }

  @Override
  public void opened() {
    // Wall-clock-free CPU sampling of every thread, JVM and kernel frames included (GC, JIT, syscalls).
    pids.forEach((process, pid) -> command(process, pid, "start,event=cpu,interval=" + INTERVAL_MICROS + "us"));
  }

  @Override
  public void closed() {
    pids.forEach((process, pid) -> {
      command(process, pid, "dump,file=" + file(process, "html"));
      command(process, pid, "stop,collapsed,file=" + file(process, "collapsed"));
    });
  }

  /** Reads what {@link #closed()} wrote. */
  Summary summary() throws IOException {
    List<ProcessProfile> processes = new ArrayList<>();
    for (String process : pids.keySet()) {
      Path collapsed = file(process, "collapsed");
      if (Files.exists(collapsed)) {
        processes.add(summarize(process, Files.readAllLines(collapsed)));
      }
    }
    processes.sort(Comparator.comparingLong(ProcessProfile::samples).reversed());
    return new Summary(label, processes.stream().mapToLong(ProcessProfile::samples).sum(), processes);
  }

  private Path file(String process, String extension) {
    return folder.resolve(label + "-" + process + "." + extension);
  }

  private void command(String process, long pid, String arguments) {
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      try {
        vm.loadAgentPath(library.toString(), arguments);
      } finally {
        vm.detach();
      }
    } catch (Exception failed) {
      System.out.println("  profiler: " + arguments.split(",")[0] + " on " + process + " (pid " + pid + ") failed: " + failed);
    }
  }

  /** Collapsed stacks ({@code root;...;leaf count}) summed by layer and by our methods. */
  static ProcessProfile summarize(String process, List<String> lines) {
    Map<String, Long> byLayer = new HashMap<>();
    Map<String, Long> ours = new HashMap<>();
    long samples = 0;
    for (String line : lines) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long count = Long.parseLong(line.substring(space + 1).strip());
      String[] frames = line.substring(0, space).split(";");
      samples += count;
      byLayer.merge(layer(frames), count, Long::sum);
      Set<String> seen = new HashSet<>();
      for (String frame : frames) {
        // Generated classes ($$Lambda, $$SpringCGLIB) only repeat the method that holds them.
        if (frame.startsWith("dev/chatsync/") && !frame.contains("$$") && seen.add(frame)) {
          ours.merge(frame, count, Long::sum);
        }
      }
    }
    return new ProcessProfile(process, samples, top(byLayer, 20), top(ours, 8));
  }

  /**
   * The layer a sample is charged to: the kernel when it is in the kernel, else the innermost
   * library or our code on the stack (a HashMap.get inside Jackson is Jackson's), else the JVM's own
   * threads (GC, JIT) or the JDK.
   */
  static String layer(String[] frames) {
    if (frames[frames.length - 1].endsWith("_[k]")) {
      return "kernel (syscalls, network)";
    }
    for (int i = frames.length - 1; i >= 0; i--) {
      String layer = library(frames[i]);
      if (layer != null) {
        return layer;
      }
    }
    String stack = String.join(";", frames);
    if (stack.contains("CompileBroker") || stack.contains("Compiler::")) {
      return "JIT compiler";
    }
    if (stack.contains("GC") || stack.contains("G1")) {
      return "GC";
    }
    return stack.contains("java/") ? "JDK" : "JVM (other)";
  }

  /** Frame prefixes and the layer they belong to, the more specific first. */
  private static final List<Map.Entry<String, String>> LAYERS = List.of(
      Map.entry("dev/chatsync/", "our code"),
      Map.entry("io/netty/", "Netty"),
      Map.entry("reactor/netty/", "Netty"),
      Map.entry("reactor/", "Reactor"),
      Map.entry("com/datastax/", "Cassandra driver"),
      Map.entry("org/apache/cassandra/", "Cassandra server"),
      Map.entry("org/apache/kafka/", "Kafka (client or broker)"),
      Map.entry("kafka/", "Kafka (client or broker)"),
      Map.entry("org/springframework/kafka/", "spring-kafka"),
      Map.entry("org/springframework/cloud/gateway/", "Spring Cloud Gateway"),
      Map.entry("org/springframework/", "Spring"),
      Map.entry("tools/jackson/", "Jackson"),
      Map.entry("com/fasterxml/", "Jackson"),
      Map.entry("io/micrometer/", "Micrometer"));

  /** The layer of a Java frame outside the JDK, or null for the JDK and native frames. */
  private static String library(String frame) {
    for (Map.Entry<String, String> layer : LAYERS) {
      if (frame.startsWith(layer.getKey())) {
        return layer.getValue();
      }
    }
    if (frame.startsWith("java/") || frame.startsWith("jdk/") || frame.startsWith("sun/") || !frame.contains("/")) {
      return null;
    }
    return "other libraries";
  }

  private static Map<String, Long> top(Map<String, Long> counts, int limit) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }
}
