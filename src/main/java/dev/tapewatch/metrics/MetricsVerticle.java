package dev.tapewatch.metrics;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.NodeShare;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The domain's Prometheus metrics, read from the statuses the feed, the symbol verticles, the agents, the store, the
 * alerts and the LLM analyst publish every second, so that no verticle shares its counters. Labels are bounded: a
 * symbol, an agent, a malformed-message reason, an error kind; never an id or free text. A symbol's meters exist
 * while this node runs the symbol ({@link NodeShare}): every configured one on a single node.
 */
public final class MetricsVerticle extends VerticleBase {
  private final MeterRegistry registry;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final AtomicLong lastMessageMs = new AtomicLong();
  private StatusMeters meters;
  private final Map<String, SymbolTags> symbolTags = new HashMap<>();
  /** The symbols run here: every configured one on a single node, none on a cluster node until it claims some. */
  private Set<String> share;

  public MetricsVerticle(MeterRegistry registry, List<String> initialShare) {
    this.registry = registry;
    this.share = Set.copyOf(initialShare);
  }

  @Override
  public Future<?> start() {
    meters = new StatusMeters(registry);
    Gauge.builder("tapewatch.feed.last.message.age.seconds", lastMessageMs,
            ms -> ms.get() == 0 ? 0.0 : Math.max(0, System.currentTimeMillis() - ms.get()) / 1000.0)
        .description("Seconds since the feed's last message").strongReference(true).register(registry);
    var bus = vertx.eventBus();
    consumers.add(bus.localConsumer(Addresses.FEED_STATUS, m -> feed(m.body())));
    consumers.add(bus.localConsumer(Addresses.MARKET_STATUS, m -> market(m.body())));
    consumers.add(bus.localConsumer(Addresses.AGENTS_STATUS, m -> agent(m.body())));
    consumers.add(bus.localConsumer(Addresses.STORE_STATUS, m -> store(m.body())));
    consumers.add(bus.localConsumer(Addresses.ALERTS_STATUS, m -> alerts(m.body())));
    consumers.add(bus.localConsumer(Addresses.LLM_STATUS, m -> llm(m.body())));
    consumers.add(NodeShare.follow(bus, this::follow));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private void follow(List<String> symbols) {
    share = Set.copyOf(symbols);
    meters.retainSymbols(share);
    symbolTags.keySet().retainAll(share);
  }

  /**
   * A symbol's labels, made once: the feed's status names every symbol each second, and building and merging their
   * tags anew was most of what turning 400 of them into meters cost.
   */
  private record SymbolTags(Tags symbol, Tags snapshots, Tags updates) {
  }

  private SymbolTags tagsOf(String symbol) {
    return symbolTags.computeIfAbsent(symbol, s -> {
      Tags tags = Tags.of("symbol", s);
      return new SymbolTags(tags, tags.and("kind", "snapshot"), tags.and("kind", "update"));
    });
  }

  /**
   * The feed's status lists every configured symbol, and a leaving symbol's verticle may publish once more after the
   * announcement: their figures for a symbol not run here would bring its meters back.
   */
  private boolean runsHere(String symbol) {
    return share.contains(symbol);
  }

  private static double num(JsonObject j, String key) {
    Number n = j.getNumber(key);
    return n == null ? 0.0 : n.doubleValue();
  }

  private void feed(JsonObject f) {
    Tags mode = Tags.of("mode", f.getString("mode", "unknown"));
    meters.counter("tapewatch.feed.messages", "Messages received from the feed", mode, num(f, "messages"));
    meters.counter("tapewatch.feed.reconnects", "Reconnections of the live feed", mode, num(f, "reconnects"));
    meters.counter("tapewatch.feed.sequence.gaps", "Gaps in the connection's message sequence (Advanced Trade)", mode,
        num(f, "sequence_gaps"));
    meters.counter("tapewatch.feed.lost.messages", "Messages missing in those gaps", mode, num(f, "lost_messages"));
    meters.counter("tapewatch.feed.resubscribes", "Resubscriptions after lost messages", mode,
        num(f, "resubscribes"));
    meters.gauge("tapewatch.feed.connected", "1 while the feed is connected", mode,
        f.getBoolean("connected", false) ? 1 : 0);
    Long last = f.getLong("last_message_ms");
    lastMessageMs.set(last == null ? 0 : last);
    JsonObject malformed = f.getJsonObject("malformed", new JsonObject());
    malformed.fieldNames().forEach(reason -> meters.counter("tapewatch.feed.malformed",
        "Malformed feed messages skipped, by reason", Tags.of("reason", reason), num(malformed, reason)));
    JsonObject symbols = f.getJsonObject("symbols", new JsonObject());
    for (String symbol : symbols.fieldNames()) {
      if (!runsHere(symbol)) {
        continue;
      }
      JsonObject s = symbols.getJsonObject(symbol);
      SymbolTags symbolTags = tagsOf(symbol);
      Tags tags = symbolTags.symbol();
      meters.counter("tapewatch.trades.ingested", "Trades taken in from the feed", tags, num(s, "trades"));
      meters.counter("tapewatch.quotes.ingested", "Quotes taken in from the feed", tags, num(s, "quotes"));
      meters.counter("tapewatch.feed.trade.gaps", "Jumps in a product's trade ids", tags, num(s, "gaps"));
      meters.counter("tapewatch.feed.missing.trades", "Trades missing in those jumps", tags,
          num(s, "missing_trades"));
      meters.counter("tapewatch.feed.backfilled.trades", "Missing trades fetched from REST", tags,
          num(s, "backfilled"));
      meters.counter("tapewatch.feed.duplicate.trades", "Trades seen twice and skipped", tags,
          num(s, "duplicates"));
      meters.counter("tapewatch.feed.book.changes", "Level-2 snapshots and updates handed to the symbol's book",
          symbolTags.snapshots(), num(s, "book_snapshots"));
      meters.counter("tapewatch.feed.book.changes", "Level-2 snapshots and updates handed to the symbol's book",
          symbolTags.updates(), num(s, "book_updates"));
      meters.counter("tapewatch.feed.book.resubscribes", "Fresh snapshots asked for because the symbol's book was wrong",
          tags, num(s, "book_resubscribes"));
      meters.gauge("tapewatch.feed.held.trades", "Trades held back until the product's next trade shows whether "
          + "they are genuine", tags, num(s, "held"));
    }
  }

  private void market(JsonObject m) {
    String symbol = m.getString("symbol");
    if (!runsHere(symbol)) {
      return;
    }
    Tags tags = tagsOf(symbol).symbol();
    meters.gauge("tapewatch.trades.cached", "Trades in the symbol's cache", tags, num(m, "trades_cached"));
    meters.counter("tapewatch.late.trades", "Trades too old for any kept 1m bar", tags, num(m, "late_trades"));
    JsonObject book = m.getJsonObject("book", new JsonObject());
    meters.counter("tapewatch.book.updates", "Order-book snapshots and updates applied", tags, num(book, "updates"));
    meters.counter("tapewatch.book.resyncs", "Times the order book went to resyncing (crossed, or updated before "
        + "its snapshot)", tags, num(book, "resyncs"));
  }

  private void agent(JsonObject a) {
    Tags tags = Tags.of("agent", a.getString("agent"));
    meters.counter("tapewatch.agent.runs", "Agent runs", tags, num(a, "runs"));
    meters.counter("tapewatch.agent.errors", "Agent runs with an error", tags, num(a, "errors"));
    meters.counter("tapewatch.findings", "Findings made, by agent", tags, num(a, "findings"));
    meters.gauge("tapewatch.agent.last.run.duration.seconds", "Duration of the agent's last run", tags,
        num(a, "last_duration_ms") / 1000.0);
    meters.gauge("tapewatch.agent.last.run.symbols", "Symbols the agent's last run went through", tags,
        num(a, "last_symbols"));
  }

  private void store(JsonObject s) {
    meters.gauge("tapewatch.findings.buffered", "Outbox entries (findings, outcomes, bars) waiting for the store",
        Tags.empty(), num(s, "buffered"));
    meters.counter("tapewatch.findings.dropped", "Outbox entries dropped unwritten because the outbox was full",
        Tags.empty(), num(s, "dropped"));
    JsonObject outbox = s.getJsonObject("outbox");
    if (outbox != null) {
      meters.gauge("tapewatch.outbox.depth", "Entries in the outbox on disk not yet in the store", Tags.empty(),
          num(outbox, "depth"));
      meters.gauge("tapewatch.outbox.oldest.age.seconds", "Age of the oldest entry waiting in the outbox (0: none)",
          Tags.empty(), outbox.getValue("oldest_age_sec") instanceof Number n ? n.doubleValue() : 0);
      meters.gauge("tapewatch.outbox.bytes", "Size of the outbox on disk", Tags.empty(), num(outbox, "bytes"));
    }
    meters.counter("tapewatch.findings.written", "Findings written to the database", Tags.empty(),
        num(s, "written"));
    meters.counter("tapewatch.db.write.failures", "Failed database writes (retried)", Tags.empty(),
        num(s, "write_failures"));
    meters.counter("tapewatch.db.write.batches", "Successful batch writes", Tags.empty(), num(s, "write_batches"));
    meters.counter("tapewatch.db.write.seconds", "Time spent in successful batch writes; rate over batches' rate "
        + "is the mean write latency", Tags.empty(), num(s, "write_seconds"));
    meters.gauge("tapewatch.db.connected", "1 while the database answers", Tags.empty(),
        s.getBoolean("connected", false) ? 1 : 0);
  }

  private void alerts(JsonObject a) {
    meters.counter("tapewatch.alerts.sent", "Slack messages sent", Tags.empty(), num(a, "sent"));
    meters.counter("tapewatch.alerts.suppressed", "Alerts not sent, by reason", Tags.of("reason", "cooldown"),
        num(a, "suppressed_cooldown"));
    meters.counter("tapewatch.alerts.suppressed", "Alerts not sent, by reason", Tags.of("reason", "score"),
        num(a, "suppressed_score"));
    meters.counter("tapewatch.alerts.suppressed", "Alerts not sent, by reason", Tags.of("reason", "filtered"),
        num(a, "filtered"));
    meters.counter("tapewatch.alerts.coalesced", "Alerts folded into a digest", Tags.empty(), num(a, "coalesced"));
    meters.counter("tapewatch.alerts.retried", "Webhook requests retried", Tags.empty(), num(a, "retried"));
    meters.counter("tapewatch.alerts.failed", "Alerts given up", Tags.empty(), num(a, "failed"));
    meters.counter("tapewatch.alerts.dropped", "Alerts dropped (configuration error, shutdown)", Tags.empty(),
        num(a, "dropped"));
    meters.gauge("tapewatch.alerts.queued", "Alerts waiting to be sent", Tags.empty(), num(a, "queued"));
  }

  private void llm(JsonObject l) {
    meters.counter("tapewatch.llm.calls", "Chat Completions calls", Tags.empty(), num(l, "calls"));
    JsonObject errors = l.getJsonObject("errors", new JsonObject());
    errors.fieldNames().forEach(kind -> meters.counter("tapewatch.llm.errors", "Failed analyses, by kind",
        Tags.of("kind", kind), num(errors, kind)));
    JsonObject tokens = l.getJsonObject("tokens", new JsonObject());
    for (String type : List.of("prompt", "completion")) {
      meters.counter("tapewatch.llm.tokens", "Tokens used, from the API's usage field", Tags.of("type", type),
          num(tokens, type));
    }
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }
}
