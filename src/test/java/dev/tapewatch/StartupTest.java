package dev.tapewatch;

import dev.tapewatch.support.TestService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as a real process at the edges of its life: a configuration it cannot run with stops it with exit 2
 * and one stderr line naming the variable, before anything binds; a SIGTERM at any moment of start-up ends it with
 * exit 0 or 143 within the grace period and without a stack trace.
 */
@Tag("process")
class StartupTest {
  private static final int GRACE_SEC = 5;

  /** Runs Main on {@code env} alone (no tapewatch variable inherited from the build) until it exits. */
  private static Process runMain(Map<String, String> env, Path out, Path err) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.tapewatch.Main");
    pb.environment().keySet().removeAll(defaultVariableNames());
    // JVM option variables make the JVM itself print to stderr.
    pb.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"));
    pb.environment().putAll(TestService.withTestStore(env));
    return pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
  }

  private static List<String> defaultVariableNames() throws IOException {
    Properties p = new Properties();
    try (InputStream in = StartupTest.class.getResourceAsStream("/conf/tapewatch.properties")) {
      assertTrue(in != null, "conf/tapewatch.properties on the test class path");
      p.load(in);
    }
    return List.copyOf(p.stringPropertyNames());
  }

  @Test
  void aConfigurationItCannotRunWithExitsTwoWithOneLineNamingTheVariable(@TempDir Path dir) throws Exception {
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put("SYMBOL", Map.of("SYMBOL", ""));
    cases.put("FEED", Map.of("FEED", "replay:" + dir));
    cases.put("CLUSTER_PORT", Map.of("CLUSTER", "true", "CLUSTER_PORT", "65535"));
    cases.put("DATABASE_URL", Map.of("DATABASE_URL", "postgres://"));
    Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
    cases.put("DATA_DIR", Map.of("STORE", "sqlite", "DATA_DIR", notADirectory.resolve("data").toString()));
    cases.put("STORE", Map.of("STORE", "postgres"));
    cases.put("COINBASE_WS_URL", Map.of("COINBASE_WS_URL", "wss://ws-feed.exchange.coinbase.com:99999"));
    cases.put("ALERT_MIN_SCORES", Map.of("ALERT_MIN_SCORES", "no_such_agent=1"));
    // A documentation address (RFC 5737): never this machine's; nothing is sent to it.
    cases.put("CLUSTER_HOST", Map.of("CLUSTER", "true", "CLUSTER_HOST", "192.0.2.7"));
    try (ServerSocket taken = new ServerSocket(0)) {
      cases.put("HTTP_PORT", Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort())));
      List<String> problems = new ArrayList<>();
      for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
        Path out = dir.resolve(c.getKey() + ".out");
        Path err = dir.resolve(c.getKey() + ".err");
        Process p = runMain(c.getValue(), out, err);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          problems.add(c.getKey() + ": still running after 20 s");
          continue;
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        List<String> lines = stderr.lines().toList();
        if (p.exitValue() != 2 || lines.size() != 1 || !lines.get(0).startsWith("tapewatch: " + c.getKey() + "=")
            || !lines.get(0).contains(" is invalid: expected ") || !stderr.endsWith("\n")
            || !Files.readString(out).isEmpty()) {
          problems.add(c.getKey() + ": exit " + p.exitValue() + ", stderr " + stderr + ", stdout "
              + Files.readString(out));
        }
      }
      assertEquals(List.of(), problems);
    }
  }

  @Test
  void aSymbolPatternWhoseProductListCannotBeFetchedExitsTwoBeforeAnythingBinds(@TempDir Path dir) throws Exception {
    try (ServerSocket closed = new ServerSocket(0); ServerSocket httpPort = new ServerSocket(0)) {
      int refused = closed.getLocalPort();
      closed.close();
      int port = httpPort.getLocalPort();
      httpPort.close();
      Process p = runMain(Map.of("SYMBOL", "*-USD", "FEED", "coinbase", "HTTP_PORT", Integer.toString(port),
          "COINBASE_REST_URL", "http://127.0.0.1:" + refused), dir.resolve("out"), dir.resolve("err"));
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ends");
      List<String> lines = Files.readAllLines(dir.resolve("err"));
      assertEquals(2, p.exitValue());
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).startsWith("tapewatch: SYMBOL='*-USD' is invalid: expected patterns resolved against"
          + " the exchange's product list, which could not be fetched from http://127.0.0.1:" + refused
          + "/products (ConnectException"), lines.get(0));
      try (ServerSocket stillFree = new ServerSocket(port)) {
        assertEquals(port, stillFree.getLocalPort(), "nothing bound the HTTP port");
      }
    }
  }

  @Test
  void sigtermAtAnyMomentOfStartUpEndsCleanlyWithinTheGrace(@TempDir Path dir) throws Exception {
    List<String> problems = new ArrayList<>();
    // The delay is the test's input, the moment of the signal: before the JVM has a handler, while Vert.x and the
    // verticles start, while the simulator builds its history, and once the service answers.
    for (long delayMs : new long[] {0, 400, 900, 1500, 2500, -1}) {
      Path log = dir.resolve("delay-" + delayMs + ".log");
      try (ServiceProcess service = ServiceProcess.start(Map.of("SHUTDOWN_GRACE_SEC", Integer.toString(GRACE_SEC),
          "SIM_SEED", "3"), log)) {
        if (delayMs < 0) {
          service.await("/health", r -> r.statusCode() == 200, 30_000);
        } else {
          assertFalse(service.process().waitFor(delayMs, TimeUnit.MILLISECONDS), "ended before the signal");
        }
        service.terminate();
        boolean ended = service.process().waitFor(GRACE_SEC + 10L, TimeUnit.SECONDS);
        String output = service.log();
        int code = ended ? service.process().exitValue() : -1;
        if (!ended || (code != 0 && code != 143) || output.contains("\tat ") || output.contains("Exception")) {
          problems.add("SIGTERM after " + delayMs + " ms: " + (ended ? "exit " + code : "still running") + "\n"
              + output);
        }
      }
    }
    assertEquals(List.of(), problems);
  }
}
