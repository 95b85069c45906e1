package dev.tapewatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate} and {@code backtest} as a user runs them: a real process each, its exit code and its files. */
@Tag("process")
class CommandsTest {
  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {
  }

  private Run tapewatch(Map<String, String> env, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "dev.tapewatch.Main"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ended within 2 min: " + String.join(" ", args));
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static List<JsonObject> findings(Path file) throws Exception {
    return Files.readAllLines(file).stream().map(JsonObject::new).toList();
  }

  @Test
  void aSimulatedTapeIsBacktestedTheSameWayEveryTime() throws Exception {
    Map<String, String> env = Map.of("SYMBOL", "BTC-USD,ETH-USD");
    Run sim = tapewatch(env, "simulate", "--hours", "1", "--out", "tape.ndjson.gz", "--seed", "7");
    assertEquals(0, sim.exit(), sim.err());
    Run again = tapewatch(env, "simulate", "--hours", "1", "--out", "again.ndjson.gz", "--seed", "7");
    assertEquals(0, again.exit(), again.err());
    assertArrayEquals(Files.readAllBytes(dir.resolve("tape.ndjson.gz")), Files.readAllBytes(dir.resolve(
        "again.ndjson.gz")), "one seed, one tape");

    // Without SYMBOL the symbols are the tape's products.
    Run first = tapewatch(Map.of(), "backtest", "tape.ndjson.gz", "--out", "one");
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.err().contains("tape finished"), first.err());
    List<JsonObject> found = findings(dir.resolve("one/findings.ndjson"));
    // TS_INTERVAL 15 s over the hour from 2026-01-01T00:00:00Z: a reading per symbol at every 15 s from 00:00:15 to
    // 00:59:45, the last before the tape's last trade (its last tickers, at 01:00:00, do not keep the clock).
    long readings = found.stream().filter(f -> f.getString("label").equals("trend_score")).count();
    assertEquals(2 * 239, readings);
    for (JsonObject f : found) {
      assertEquals(Set.of("id", "ts_utc", "agent", "symbol", "score", "label", "details", "ref_price", "outcomes"),
          f.fieldNames());
      // every agent runs at tape times that are multiples of its period: 15 s or more, book_imbalance's 5 s
      long periodMs = f.getString("agent").equals("book_imbalance") ? 5_000 : 15_000;
      assertEquals(0, Instant.parse(f.getString("ts_utc")).toEpochMilli() % periodMs, f.encode());
      assertTrue(Set.of("BTC-USD", "ETH-USD").contains(f.getString("symbol")));
    }
    assertTrue(found.stream().anyMatch(f -> f.getJsonObject("outcomes").getValue("5m") != null),
        "outcomes resolved from the tape");

    // The scorecard of the same findings: every all-symbols row counts exactly the outcomes resolved with a return.
    JsonObject scorecard = new JsonObject(Files.readString(dir.resolve("one/scorecard.json")));
    assertEquals(List.of("1m", "5m", "15m", "60m"), scorecard.getJsonArray("horizons").getList());
    List<JsonObject> all = scorecard.getJsonArray("rows").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("symbol").equals("*")).toList();
    assertFalse(all.isEmpty());
    for (JsonObject row : all) {
      long resolved = found.stream().filter(f -> f.getString("agent").equals(row.getString("agent"))
              && f.getString("label").equals(row.getString("label")))
          .map(f -> f.getJsonObject("outcomes").getJsonObject(row.getString("horizon")))
          .filter(o -> o != null && o.getValue("ret_bps") != null).count();
      assertEquals(resolved, row.getLong("n"), row.encode());
    }
    assertTrue(first.out().contains("hit% 95% CI") && first.out().contains("trend_score      trend_score"),
        first.out());

    Run second = tapewatch(Map.of(), "backtest", "tape.ndjson.gz", "--out", "two");
    assertEquals(0, second.exit(), second.err());
    assertEquals(withoutIds(found), withoutIds(findings(dir.resolve("two/findings.ndjson"))), "deterministic");

    // A symbol the tape never trades has no findings and no baseline, and spoils nothing.
    Run untraded = tapewatch(Map.of("SYMBOL", "BTC-USD,ETH-USD,XRP-USD"), "backtest", "tape.ndjson.gz", "--out",
        "three");
    assertEquals(0, untraded.exit(), untraded.err());
    assertEquals(withoutIds(found), withoutIds(findings(dir.resolve("three/findings.ndjson"))));
  }

  /**
   * The shared Advanced Trade capture, in its recorder's envelopes, backtests as it is: its products found in the
   * received messages (not in the recorded REST call that lists hundreds), every message read, findings on both.
   */
  @Test
  void anAdvancedTradeCaptureIsBacktested() throws Exception {
    Path capture = Path.of("..", "shared", "data", "coinbase_advtrade_ws_capture_2026-08-09.jsonl.gz")
        .toAbsolutePath();
    Run run = tapewatch(Map.of(), "backtest", capture.toString(), "--out", "advanced");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("1030 messages read, tape finished"), run.err());
    List<JsonObject> found = findings(dir.resolve("advanced/findings.ndjson"));
    assertEquals(Set.of("BTC-USD", "ETH-USD"), found.stream().map(f -> f.getString("symbol"))
        .collect(java.util.stream.Collectors.toSet()));
    assertTrue(found.stream().anyMatch(f -> f.getString("label").equals("trend_score")), run.err());
  }

  private static List<String> withoutIds(List<JsonObject> findings) {
    return findings.stream().map(f -> {
      JsonObject c = f.copy();
      c.remove("id");
      return c.encode();
    }).toList();
  }

  @Test
  void mistakesExitTwoWithOneLine() throws Exception {
    for (String[] args : List.of(new String[] {"backtest"}, new String[] {"backtest", "missing.ndjson"},
        new String[] {"backtest", ".", "--out"}, new String[] {"simulate", "--hours", "0", "--out", "x"},
        new String[] {"simulate", "--hours", "1"}, new String[] {"frobnicate"})) {
      Run r = tapewatch(Map.of(), args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("tapewatch: "), r.err());
    }
  }
}
