package dev.chatsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's busy CPU time from /proc/stat (Linux): what a step cost, all processes together. */
final class Cpu {

  private static final double MILLIS_PER_TICK = 10; // USER_HZ is 100 on Linux

  private Cpu() {}

  /** Busy CPU milliseconds since boot, all cores: user + nice + system + irq + softirq + steal. */
  static double busyMillis() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(fields[i]);
      }
      return busy * MILLIS_PER_TICK;
    } catch (IOException | RuntimeException unavailable) {
      return Double.NaN;
    }
  }
}
