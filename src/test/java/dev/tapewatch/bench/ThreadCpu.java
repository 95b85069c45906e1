package dev.tapewatch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CPU time of this JVM's threads between two moments: shows which thread a phase kept busy. */
final class ThreadCpu {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> cpuAtStart = new HashMap<>();
  private final long wallStart = System.nanoTime();

  private ThreadCpu() {
    for (long id : MX.getAllThreadIds()) {
      cpuAtStart.put(id, MX.getThreadCpuTime(id));
    }
  }

  static ThreadCpu start() {
    return new ThreadCpu();
  }

  /** The busiest threads since {@link #start()}: {@code name 93%, ...} (100% = one core for the whole period). */
  String top(int n) {
    double wall = System.nanoTime() - wallStart;
    record Busy(String name, long cpu) {
    }
    List<Busy> busy = new ArrayList<>();
    long total = 0;
    for (long id : MX.getAllThreadIds()) {
      long cpu = MX.getThreadCpuTime(id);
      ThreadInfo info = MX.getThreadInfo(id);
      if (cpu < 0 || info == null) {
        continue;
      }
      long delta = cpu - cpuAtStart.getOrDefault(id, 0L);
      total += delta;
      busy.add(new Busy(info.getThreadName(), delta));
    }
    busy.sort((a, b) -> Long.compare(b.cpu(), a.cpu()));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "jvm %.0f%%:", 100 * total / wall));
    for (int i = 0; i < Math.min(n, busy.size()); i++) {
      sb.append(String.format(Locale.ROOT, " %s %.0f%%", busy.get(i).name(), 100 * busy.get(i).cpu() / wall));
    }
    return sb.toString();
  }

  /** The 1-minute load average, to flag other work on the machine. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }
}
