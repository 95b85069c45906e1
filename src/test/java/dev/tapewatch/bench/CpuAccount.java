package dev.tapewatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the machine's CPU went during one phase, from /proc (Linux): this JVM, its reaped child processes (wrk), and
 * everything else. Other work on a 2-core machine (concurrent builds) distorts every figure, so each measured phase
 * reports it. Figures are in cores (1.0 = one core busy for the whole phase); interrupt and soft-interrupt time
 * (loopback networking) is left out of all three.
 */
final class CpuAccount {
  /** Clock ticks per second of /proc (USER_HZ); 100 on every common Linux build. */
  private static final double HZ = 100.0;
  static final double NOISY_CORES = 0.15;

  private final long wallStart = System.nanoTime();
  private final long[] machineStart = machineTicks();
  private final long[] selfStart = selfTicks();

  record Usage(double jvm, double children, double others, boolean available) {
    boolean noisy() {
      return available && others > NOISY_CORES;
    }

    @Override
    public String toString() {
      return available ? String.format(Locale.ROOT, "cpu (cores): jvm %.2f, wrk %.2f, other processes %.2f%s", jvm,
          children, others, noisy() ? " [NOISY: other work on the machine]" : "") : "cpu: /proc not readable";
    }
  }

  static CpuAccount start() {
    return new CpuAccount();
  }

  Usage stop() {
    long[] machine = machineTicks();
    long[] self = selfTicks();
    if (machine == null || self == null || machineStart == null || selfStart == null) {
      return new Usage(0, 0, 0, false);
    }
    double seconds = (System.nanoTime() - wallStart) / 1e9;
    double busy = (machine[0] - machineStart[0]) / HZ;
    double jvm = (self[0] - selfStart[0]) / HZ;
    double children = (self[1] - selfStart[1]) / HZ;
    double others = Math.max(0, busy - jvm - children);
    return new Usage(jvm / seconds, children / seconds, others / seconds, true);
  }

  /**
   * Waits, at most {@code maxMillis}, for a half second during which other processes used less than
   * {@link #NOISY_CORES}; returns the milliseconds waited.
   */
  static long waitForQuiet(long maxMillis) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      CpuAccount window = start();
      Thread.sleep(500);
      Usage u = window.stop();
      long waited = (System.nanoTime() - start) / 1_000_000;
      if (!u.available() || u.others() < NOISY_CORES || waited >= maxMillis) {
        return waited;
      }
    }
  }

  /** {user+nice+system} of all CPUs. */
  private static long[] machineTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      return new long[] {Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {utime+stime, cutime+cstime} of this process. */
  private static long[] selfTicks() {
    try {
      String s = Files.readString(Path.of("/proc/self/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
      // After "pid (comm) ", field 3 (state) is f[0]; utime is field 14 -> f[11], stime f[12], cutime f[13], cstime f[14].
      return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
