package dev.tapewatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during one phase, from /proc (Linux): this JVM, its reaped child processes (wrk), and
 * everything else. Other work on a 2-core machine (concurrent builds) distorts every figure, so each measured phase
 * reports it. Figures are in cores (1.0 = one core busy for the whole phase); interrupt and soft-interrupt time
 * (loopback networking) is left out of all of them. A phase that writes to PostgreSQL counts the server's processes
 * as its own work rather than as other processes (the whole server: what another client of it does meanwhile is then
 * not seen as noise, though that client's own process is).
 */
final class CpuAccount {
  /** Clock ticks per second of /proc (USER_HZ); 100 on every common Linux build. */
  private static final double HZ = 100.0;
  static final double NOISY_CORES = 0.15;

  private final boolean postgres;
  private final long wallStart = System.nanoTime();
  private final long[] machineStart = machineTicks();
  private final long[] selfStart = selfTicks();
  private final long postgresStart;

  /** {@code postgres} is the PostgreSQL server's share when the phase counts it as its own, else 0. */
  record Usage(double jvm, double children, double postgres, double others, boolean available) {
    boolean noisy() {
      return available && others > NOISY_CORES;
    }

    @Override
    public String toString() {
      return available ? String.format(Locale.ROOT, "cpu (cores): jvm %.2f, wrk %.2f, %sother processes %.2f%s", jvm,
          children, postgres > 0 ? String.format(Locale.ROOT, "postgres %.2f, ", postgres) : "", others,
          noisy() ? " [NOISY: other work on the machine]" : "") : "cpu: /proc not readable";
    }
  }

  private CpuAccount(boolean postgres) {
    this.postgres = postgres;
    this.postgresStart = postgres ? postgresTicks() : 0;
  }

  static CpuAccount start() {
    return new CpuAccount(false);
  }

  /** Counts the PostgreSQL server's processes as the phase's own. */
  static CpuAccount withPostgres() {
    return new CpuAccount(true);
  }

  Usage stop() {
    long[] machine = machineTicks();
    long[] self = selfTicks();
    if (machine == null || self == null || machineStart == null || selfStart == null) {
      return new Usage(0, 0, 0, 0, false);
    }
    double seconds = (System.nanoTime() - wallStart) / 1e9;
    double busy = (machine[0] - machineStart[0]) / HZ;
    double jvm = (self[0] - selfStart[0]) / HZ;
    double children = (self[1] - selfStart[1]) / HZ;
    double db = postgres ? (postgresTicks() - postgresStart) / HZ : 0;
    double others = Math.max(0, busy - jvm - children - db);
    return new Usage(jvm / seconds, children / seconds, db / seconds, others / seconds, true);
  }

  /**
   * utime+stime of every PostgreSQL server process with what its ended children used: a backend that ends during the
   * phase (a pool closed) is reaped by the postmaster, whose cutime+cstime then hold it.
   */
  private static long postgresTicks() {
    long total = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          if (stat.contains(" (postgres) ")) {
            long[] t = ticks(stat);
            total += t[0] + t[1];
          }
        } catch (IOException | RuntimeException gone) {
          // Ended while it was read: its parent's cutime holds it.
        }
      }
    } catch (IOException e) {
      // /proc cannot be listed: no server time is set apart.
    }
    return total;
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
      return ticks(Files.readString(Path.of("/proc/self/stat")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {utime+stime, cutime+cstime} of a /proc/[pid]/stat line. */
  private static long[] ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // After "pid (comm) ", field 3 (state) is f[0]; utime is field 14 -> f[11], stime f[12], cutime f[13], cstime f[14].
    return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
  }
}
