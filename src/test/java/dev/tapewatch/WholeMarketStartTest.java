package dev.tapewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.TestService;
import dev.tapewatch.support.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole simulated market on one node, started as README says (the service's own process, its defaults, no JVM
 * option) with {@code SYMBOL=*-USD}: 400 symbols. Within 60 s /health answers; for the first 90 s resident memory
 * stays under 1 GiB, and the event loops are never reported blocked; then every symbol answers /signals_tf with
 * finite numbers, /health answers in under 50 ms (median), and each agent's last run over all 400 symbols took well
 * under its interval.
 */
@Tag("scale")
class WholeMarketStartTest {
  private static final long GIB = 1L << 30;
  private static final Duration HEALTH_WITHIN = Duration.ofSeconds(60);
  private static final Duration WATCHED = Duration.ofSeconds(90);

  @Test
  void fourHundredSymbolsStartLeanAndAnswer(@TempDir Path dir) throws Exception {
    long launched = System.nanoTime();
    try (ServiceProcess service = ServiceProcess.start(TestService.withTestStore(Map.of("SYMBOL", "*-USD",
        "STORE", "sqlite", "DATA_DIR", dir.resolve("data").toString())), dir.resolve("service.log"))) {
      service.await("/health", r -> r.statusCode() == 200, HEALTH_WITHIN.toMillis());
      long healthAfterMs = (System.nanoTime() - launched) / 1_000_000;
      AtomicLong peakRss = new AtomicLong();
      Duration left = WATCHED.minusNanos(System.nanoTime() - launched);
      try {
        Waits.holdsFor("resident memory under 1 GiB until 90 s after launch", left, () -> {
          peakRss.accumulateAndGet(residentBytes(service.pid()), Math::max);
          return peakRss.get() < GIB;
        });
      } catch (AssertionError e) {
        throw new AssertionError("resident memory reached " + (peakRss.get() >> 20) + " MiB "
            + (System.nanoTime() - launched) / 1_000_000 + " ms after launch", e);
      }
      String log = service.log();
      assertFalse(log.contains("BlockedThreadChecker"), "the event loops were reported blocked");

      JsonArray symbols = new JsonObject(service.get("/health").body()).getJsonArray("symbols");
      assertEquals(400, symbols.size());
      List<String> problems = new ArrayList<>();
      for (Object s : symbols) {
        String symbol = (String) s;
        HttpResponse<String> r = service.get("/signals_tf?symbol=" + symbol);
        JsonObject signals = r.statusCode() == 200 ? new JsonObject(r.body()) : null;
        if (signals == null || !allFinite(signals) || !(signals.getValue("atr_1m") instanceof Number)) {
          problems.add(symbol + ": " + r.statusCode() + " " + r.body());
        }
      }
      assertEquals(List.of(), problems);

      long[] healthMs = new long[21];
      for (int i = 0; i < healthMs.length; i++) {
        long t = System.nanoTime();
        assertEquals(200, service.get("/health").statusCode());
        healthMs[i] = (System.nanoTime() - t) / 1_000_000;
      }
      Arrays.sort(healthMs);

      JsonArray agents = new JsonObject(service.get("/agents").body()).getJsonArray("agents");
      List<String> slow = new ArrayList<>();
      for (Object o : agents) {
        JsonObject a = (JsonObject) o;
        if ("ok".equals(a.getString("status")) && a.getInteger("last_symbols") == 400
            && a.getLong("last_duration_ms") > a.getLong("interval_s") * 1000 / 2) {
          slow.add(a.encode());
        }
      }
      System.out.printf("400 symbols: /health after %d ms, peak RSS %d MiB, /health median %d ms, agents %s%n",
          healthAfterMs, peakRss.get() >> 20, healthMs[healthMs.length / 2], agents.encode());
      assertTrue(healthMs[healthMs.length / 2] < 50, "median /health " + healthMs[healthMs.length / 2] + " ms");
      assertEquals(List.of(), slow, "agents whose run over 400 symbols took half their interval or more");
    }
  }

  private static long residentBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for process " + pid);
  }

  private static boolean allFinite(Object value) {
    if (value instanceof JsonObject o) {
      return o.stream().allMatch(e -> allFinite(e.getValue()));
    }
    if (value instanceof Number n) {
      return Double.isFinite(n.doubleValue());
    }
    return true;
  }
}
