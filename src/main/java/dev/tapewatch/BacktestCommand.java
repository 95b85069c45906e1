package dev.tapewatch;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.Horizon;
import dev.tapewatch.feed.RecordedLine;
import dev.tapewatch.feed.ReplayFeedVerticle;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.scorecard.BarPrices;
import dev.tapewatch.scorecard.MinutePrices;
import dev.tapewatch.scorecard.Sample;
import dev.tapewatch.scorecard.Scorecard;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@code tapewatch backtest TAPE [--out DIR]}: the same agents, with the same settings from the environment, over a
 * recorded tape on the tape clock, in this process, with no HTTP port, no database, no alerts and no LLM. Writes
 * {@code DIR/findings.ndjson} (one finding a line, as {@code /findings} shows it, outcomes included) and
 * {@code DIR/scorecard.json} (as {@code /scorecard} answers, the baselines from the tape's 1m bars) and prints the
 * scorecard of every symbol together; progress goes to stderr. Without {@code SYMBOL} in the environment the symbols
 * are the tape's products.
 */
public final class BacktestCommand {
  static final String USAGE = "backtest TAPE [--out DIR]";

  private BacktestCommand() {
  }

  /** What a replay leaves: every finding with its outcomes, and each symbol's minute prices for the baselines. */
  private record Result(List<JsonObject> findings, Map<String, MinutePrices> prices) {
  }

  /** The findings of the tape, outcomes included, in tape order. */
  public static List<JsonObject> run(List<String> args, Map<String, String> env, PrintStream out, PrintStream progress)
      throws Exception {
    CommandArgs a = CommandArgs.parse("backtest", args, Set.of("out"), USAGE);
    if (a.positional().size() != 1) {
      throw new CommandArgs.UsageException("backtest: usage: " + USAGE);
    }
    Path tape = Path.of(a.positional().get(0));
    if (!Files.isRegularFile(tape) || !Files.isReadable(tape)) {
      throw new CommandArgs.UsageException("backtest: TAPE '" + tape + "' is not a readable file");
    }
    Path dir = Path.of(a.options().getOrDefault("out", "backtest"));
    Map<String, String> settings = new HashMap<>(env);
    settings.put("FEED", "replay:" + tape);
    settings.put("AGENT_CLOCK", "tape");
    settings.put("REPLAY_SPEED", "0");
    settings.put("DATABASE_URL", "");
    // A backtest's findings are its output files, not the node's record.
    settings.put("STORE", "memory");
    settings.put("ALERT_WEBHOOK_URL", "");
    settings.put("LLM_ENABLE", "false");
    settings.put("CLUSTER", "false");
    settings.putIfAbsent("LOG_LEVEL", "WARN");
    if (!settings.containsKey("SYMBOL")) {
      settings.put("SYMBOL", String.join(",", products(tape)));
    }
    TapewatchConfig config = Main.configuration(settings);
    Logging.configure(config.logs());
    Files.createDirectories(dir);

    Result result = replay(config, progress);
    List<JsonObject> findings = result.findings();
    try (Writer w = Files.newBufferedWriter(dir.resolve("findings.ndjson"), StandardCharsets.UTF_8)) {
      for (JsonObject f : findings) {
        w.write(f.encode());
        w.write('\n');
      }
    }
    List<Horizon> horizons = config.scorecard().horizons();
    JsonArray rows = Scorecard.rows(Sample.of(findings, horizons), horizons, result.prices(), null);
    Files.writeString(dir.resolve("scorecard.json"), new JsonObject()
        .put("horizons", new JsonArray(horizons.stream().map(Horizon::label).toList()))
        .put("rows", rows).put("truncated", false).encodePrettily());
    out.println(table(rows));
    out.println(findings.size() + " findings: " + dir.resolve("findings.ndjson") + ", scorecard: "
        + dir.resolve("scorecard.json"));
    return findings;
  }

  /** Replays the tape through the agents and collects every finding with its outcomes. */
  private static Result replay(TapewatchConfig config, PrintStream progress) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Promise<Result> collected = Promise.promise();
      // One context for the listeners and the chain, so the findings are only ever touched on its thread.
      Context context = vertx.getOrCreateContext();
      context.runOnContext(start -> collect(vertx, config, progress).onComplete(collected));
      Result result = collected.future().toCompletionStage().toCompletableFuture().get(7, TimeUnit.DAYS);
      List<JsonObject> out = new ArrayList<>(result.findings());
      out.sort(Comparator.comparing((JsonObject f) -> Instant.parse(f.getString("ts_utc")))
          .thenComparing(f -> f.getString("symbol")).thenComparing(f -> f.getString("agent"))
          .thenComparing(f -> f.getString("label")));
      return new Result(out, result.prices());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Future<Result> collect(Vertx vertx, TapewatchConfig config, PrintStream progress) {
    Map<String, JsonObject> byId = new LinkedHashMap<>();
    Promise<Void> finished = Promise.promise();
    var bus = vertx.eventBus();
    Future<?> listening = Future.all(
        bus.<JsonObject>localConsumer(Addresses.FINDINGS, m -> byId.put(m.body().getString("id"), m.body()))
            .completion(),
        bus.<JsonObject>localConsumer(Addresses.FINDING_OUTCOMES, m -> {
          JsonObject f = byId.get(m.body().getString("id"));
          if (f != null && f.getJsonObject("outcomes") != null) {
            f.getJsonObject("outcomes").put(m.body().getString("horizon"), m.body().getJsonObject("outcome"));
          }
        }).completion(),
        bus.<JsonObject>localConsumer(Addresses.FEED_STATUS, m -> {
          boolean done = m.body().getBoolean("replay_finished", false);
          progress.println("backtest: " + m.body().getLong("messages", 0L) + " messages read"
              + (done ? ", tape finished" : ""));
          String error = m.body().getString("last_error");
          if (done && error != null) {
            finished.tryFail("the replay stopped: " + error);
          } else if (done) {
            finished.tryComplete();
          }
        }).completion());
    List<Long> lastTrades = new ArrayList<>();
    return listening.compose(v -> TapewatchApp.backtest(vertx, config))
        .compose(v -> finished.future())
        // Each symbol's verticle answers after the batches before it: every outcome the tape resolves is in.
        .compose(v -> Future.all(config.symbols().stream().map(s -> bus.<JsonObject>request(
            Addresses.Market.STATUS.of(s), new JsonObject()).onSuccess(status -> {
              // Null for a symbol the tape never traded.
              Long last = status.body().getLong("last_trade_ms");
              if (last != null) {
                lastTrades.add(last);
              }
            })).toList()))
        // The tape is over at its last trade: every bar up to then is closed.
        .compose(v -> BarPrices.ask(vertx, new TreeSet<>(config.symbols()),
            lastTrades.stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE), 10_000))
        .map(prices -> new Result(List.copyOf(byId.values()), prices));
  }

  /**
   * The products a tape names, in the order they first appear, in either protocol's messages (a recorder's envelope
   * unwrapped, its other lines, such as a REST call listing every product, passed over).
   */
  static List<String> products(Path tape) throws IOException {
    Set<String> seen = new LinkedHashSet<>();
    try (BufferedReader r = ReplayFeedVerticle.open(tape)) {
      String raw;
      while ((raw = r.readLine()) != null) {
        String line = RecordedLine.of(raw).message();
        if (line == null) {
          continue;
        }
        int at = line.indexOf("\"product_id\":\"");
        if (at >= 0) {
          int from = at + "\"product_id\":\"".length();
          int to = line.indexOf('"', from);
          if (to > from) {
            seen.add(line.substring(from, to));
          }
        }
      }
    }
    if (seen.isEmpty()) {
      throw new CommandArgs.UsageException("backtest: TAPE has no product_id: not a Coinbase recording");
    }
    return List.copyOf(seen);
  }

  /** The all-symbols rows as a table: hit rate with its 95% interval, mean and signed return, edge. */
  static String table(JsonArray rows) {
    StringBuilder b = new StringBuilder(String.format("%-16s %-22s %-5s %6s %6s %15s %10s %10s %10s%n", "agent",
        "label", "h", "n", "hit%", "hit% 95% CI", "mean bps", "signed", "edge bps"));
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      if (!Scorecard.ALL.equals(r.getString("symbol"))) {
        continue;
      }
      JsonArray ci = r.getJsonArray("hit_rate_ci95");
      b.append(String.format("%-16s %-22s %-5s %6d %6s %15s %10s %10s %10s%n", r.getString("agent"),
          r.getString("label"), r.getString("horizon"), r.getInteger("n"), percent(r.getDouble("hit_rate")),
          ci == null ? "—" : percent(ci.getDouble(0)) + "–" + percent(ci.getDouble(1)),
          bps(r.getDouble("mean_ret_bps")), bps(r.getDouble("mean_signed_ret_bps")), bps(r.getDouble("edge_bps"))));
    }
    return b.toString().stripTrailing();
  }

  private static String percent(Double v) {
    return v == null ? "—" : String.format("%.1f", v * 100);
  }

  private static String bps(Double v) {
    return v == null ? "—" : String.format("%+.2f", v);
  }

}
