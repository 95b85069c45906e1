package dev.tapewatch;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * {@code tapewatch backtest TAPE [--out DIR]}: the same agents, with the same settings from the environment, over a
 * recorded tape on the tape clock, in this process, with no HTTP port, no database, no alerts and no LLM. Writes
 * {@code DIR/findings.ndjson} (one finding a line, as {@code /findings} shows it, outcomes included) and prints what
 * each agent found; progress goes to stderr. Without {@code SYMBOL} in the environment the symbols are the tape's
 * products.
 */
final class BacktestCommand {
  static final String USAGE = "backtest TAPE [--out DIR]";

  private BacktestCommand() {
  }

  /** The findings of the tape, newest outcome included, in tape order. */
  static List<JsonObject> run(List<String> args, Map<String, String> env, PrintStream out, PrintStream progress)
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
    settings.put("ALERT_WEBHOOK_URL", "");
    settings.put("LLM_ENABLE", "false");
    settings.put("CLUSTER", "false");
    settings.putIfAbsent("LOG_LEVEL", "WARN");
    settings.putIfAbsent("SYMBOL", String.join(",", products(tape)));
    TapewatchConfig config = Main.configuration(settings);
    Logging.configure(config.logs());
    Files.createDirectories(dir);

    List<JsonObject> findings = replay(config, progress);
    try (Writer w = Files.newBufferedWriter(dir.resolve("findings.ndjson"), StandardCharsets.UTF_8)) {
      for (JsonObject f : findings) {
        w.write(f.encode());
        w.write('\n');
      }
    }
    out.println(summary(findings));
    out.println("findings: " + dir.resolve("findings.ndjson"));
    return findings;
  }

  /** Replays the tape through the agents and collects every finding with its outcomes. */
  private static List<JsonObject> replay(TapewatchConfig config, PrintStream progress) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Promise<List<JsonObject>> collected = Promise.promise();
      // One context for the listeners and the chain, so the findings are only ever touched on its thread.
      Context context = vertx.getOrCreateContext();
      context.runOnContext(start -> collect(vertx, config, progress).onComplete(collected));
      List<JsonObject> out = new ArrayList<>(collected.future().toCompletionStage().toCompletableFuture()
          .get(7, TimeUnit.DAYS));
      out.sort(Comparator.comparing((JsonObject f) -> Instant.parse(f.getString("ts_utc")))
          .thenComparing(f -> f.getString("symbol")).thenComparing(f -> f.getString("agent"))
          .thenComparing(f -> f.getString("label")));
      return out;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Future<List<JsonObject>> collect(Vertx vertx, TapewatchConfig config, PrintStream progress) {
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
          if (done) {
            finished.tryComplete();
          }
        }).completion());
    return listening.compose(v -> TapewatchApp.backtest(vertx, config))
        .compose(v -> finished.future())
        // Each symbol's verticle answers after the batches before it: every outcome the tape resolves is in.
        .compose(v -> Future.all(config.symbols().stream()
            .map(s -> bus.request(Addresses.status(s), new JsonObject())).toList()))
        .map(v -> List.copyOf(byId.values()));
  }

  /** The products a tape trades, in the order they first appear. */
  static List<String> products(Path tape) throws IOException {
    Set<String> seen = new LinkedHashSet<>();
    InputStream raw = Files.newInputStream(tape);
    InputStream in = tape.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = r.readLine()) != null) {
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
      throw new CommandArgs.UsageException("backtest: TAPE has no product_id: not a Coinbase ws-feed recording");
    }
    return List.copyOf(seen);
  }

  /** One line per agent and label: how many findings. */
  private static String summary(List<JsonObject> findings) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    findings.forEach(f -> counts.merge(f.getString("agent") + " " + f.getString("label"), 1, Integer::sum));
    StringBuilder b = new StringBuilder(String.format("%-40s %8s%n", "agent label", "findings"));
    counts.forEach((k, n) -> b.append(String.format("%-40s %8d%n", k, n)));
    return b.toString().stripTrailing();
  }
}
