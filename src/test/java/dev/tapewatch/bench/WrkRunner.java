package dev.tapewatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the external {@code wrk} load generator and reads its summary. */
final class WrkRunner {
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors:(.*)");
  private static final Pattern LATENCY = Pattern.compile("Latency\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)");
  private static final Pattern P99 = Pattern.compile("\\s99%\\s+(\\S+)");

  record Result(double requestsPerSecond, long requests, long non2xx, String socketErrors, String latencyAvg,
      String latencyP99, String raw) {
  }

  private final int threads;
  private final int connections;
  private final int seconds;

  WrkRunner(int threads, int connections, int seconds) {
    this.threads = threads;
    this.connections = connections;
    this.seconds = seconds;
  }

  String settings() {
    return "-t" + threads + " -c" + connections + " -d" + seconds + "s";
  }

  /** The first line of {@code wrk --version}, or empty when wrk cannot be started. */
  static Optional<String> version() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      String first = out.lines().findFirst().orElse("wrk").trim();
      return Optional.of(first.isEmpty() ? "wrk" : first);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  Result run(String url) throws IOException, InterruptedException {
    return run(url, seconds);
  }

  Result run(String url, int durationSeconds) throws IOException, InterruptedException {
    List<String> cmd = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + durationSeconds + "s",
        "--latency", url);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(durationSeconds + 30L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("wrk did not finish: " + String.join(" ", cmd));
    }
    Matcher rate = RATE.matcher(out);
    if (!rate.find()) {
      throw new IOException("no Requests/sec in the output of " + String.join(" ", cmd) + ":\n" + out);
    }
    return new Result(Double.parseDouble(rate.group(1)), longOf(REQUESTS, out), longOf(NON_2XX, out),
        textOf(SOCKET_ERRORS, out, 1).trim(), textOf(LATENCY, out, 1), textOf(P99, out, 1), out);
  }

  private static long longOf(Pattern p, String s) {
    Matcher m = p.matcher(s);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static String textOf(Pattern p, String s, int group) {
    Matcher m = p.matcher(s);
    return m.find() ? m.group(group) : "";
  }
}
