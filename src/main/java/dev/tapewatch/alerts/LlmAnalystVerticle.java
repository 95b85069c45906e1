package dev.tapewatch.alerts;

import dev.tapewatch.agents.FindingAnnouncer;
import dev.tapewatch.agents.LlmAnalystAgent;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.LlmSettings;
import dev.tapewatch.tape.Finding;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LLM analyst: a strong finding of another agent (see {@link LlmGate}) makes it gather the symbol's snapshot,
 * position, recent findings and the trigger's track record (the latest {@link Addresses#SCORECARD_ROWS}), ask a
 * Chat Completions model for a bias, and publish a valid answer as an
 * {@link LlmAnalystAgent} finding (score = confidence, label = bias). Failures are counted in the status it publishes every
 * second on {@link Addresses#LLM_STATUS}; they never become findings. Disabled, it listens to nothing.
 */
public final class LlmAnalystVerticle extends VerticleBase {
  static final String AGENT = LlmAnalystAgent.DESCRIPTOR.name();
  static final long CONTEXT_TIMEOUT_MS = 2500;
  static final int RECENT_FINDINGS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(LlmAnalystVerticle.class);

  private final LlmSettings llm;
  private final List<String> symbols;
  private final LongSupplier clock;
  private final LlmGate gate;
  private final LlmStatus status;
  private ChatCompletionsClient client;
  private MessageConsumer<JsonObject> findings;
  private MessageConsumer<JsonArray> scorecard;
  private TrackRecord record = TrackRecord.NONE;
  private long statusTimer = -1;

  public LlmAnalystVerticle(LlmSettings llm, List<String> symbols) {
    this(llm, symbols, System::currentTimeMillis);
  }

  LlmAnalystVerticle(LlmSettings llm, List<String> symbols, LongSupplier clock) {
    this.llm = llm;
    this.symbols = symbols;
    this.clock = clock;
    this.gate = new LlmGate(llm.analystMinScore(), llm.minIntervalSec() * 1000L, symbols);
    this.status = new LlmStatus(llm);
  }

  @Override
  public Future<?> start() {
    statusTimer = vertx.setPeriodic(0, Addresses.STATUS_PERIOD_MS, id -> publishStatus());
    if (!llm.enabled()) {
      return Future.succeededFuture();
    }
    if (llm.apiKey().isEmpty()) {
      return Future.failedFuture("LLM_ENABLE=true needs OPENAI_API_KEY");
    }
    client = new ChatCompletionsClient(vertx, llm.baseUrl(), llm.apiKey().get(), llm.timeoutSec() * 1000L);
    scorecard = vertx.eventBus().localConsumer(Addresses.SCORECARD_ROWS, m -> record = new TrackRecord(m.body()));
    findings = vertx.eventBus().localConsumer(Addresses.FINDINGS, this::onFinding);
    LOG.info("LLM analyst on " + LlmStatus.origin(llm.baseUrl()) + " with " + llm.model()
        + " for " + symbols);
    return Future.all(scorecard.completion(), findings.completion());
  }

  private void onFinding(Message<JsonObject> m) {
    JsonObject trigger = m.body();
    String symbol = trigger.getString("symbol");
    long nowMs = clock.getAsLong();
    switch (gate.offer(trigger.getString("agent"), symbol, trigger.getDouble("score", 0.0), nowMs)) {
      case RUN -> analyse(symbol, trigger, nowMs);
      case TOO_SOON -> status.skipped();
      case IGNORE -> {
      }
    }
  }

  private void analyse(String symbol, JsonObject trigger, long calledAtMs) {
    context(symbol, trigger)
        .compose(ctx -> client.complete(ChatRequest.body(llm.model(), ctx)))
        // A context piece of an unexpected shape is counted like any failure instead of vanishing.
        .otherwise(e -> ChatReply.failure(ChatReply.INTERNAL, String.valueOf(e)))
        .onSuccess(reply -> {
          status.record(reply, calledAtMs);
          if (reply.ok()) {
            FindingAnnouncer.announce(vertx, finding(symbol, trigger, reply.analysis()), true);
          } else {
            LOG.atWarn().addKeyValue("symbol", symbol).addKeyValue("agent", AGENT)
                .log("LLM analysis failed: " + reply.error() + ": " + reply.detail());
          }
          publishStatus();
        });
  }

  /** Asks for the three pieces at once; one that does not answer in time is left out. */
  private Future<JsonObject> context(String symbol, JsonObject trigger) {
    Future<JsonObject> snapshot = ask(Addresses.Market.SNAPSHOT.of(symbol), null);
    Future<JsonObject> positions = ask(Addresses.STORE_POSITIONS, new JsonObject());
    Future<JsonObject> recent = ask(Addresses.STORE_FINDINGS_QUERY,
        new JsonObject().put("symbol", symbol).put("limit", RECENT_FINDINGS));
    return Future.all(snapshot, positions, recent).map(v -> ChatRequest.context(symbol, trigger, record, snapshot.result(),
        positions.result(), recent.result()));
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(CONTEXT_TIMEOUT_MS))
        .map(Message::body)
        .otherwise(e -> {
          LOG.debug("LLM context without " + address + ": " + e.getMessage());
          return null;
        });
  }

  private Finding finding(String symbol, JsonObject trigger, LlmAnalysis a) {
    JsonObject details = new JsonObject()
        .put("rationale", a.rationale())
        .put("model", llm.model())
        .put("trigger", new JsonObject()
            .put("id", trigger.getString("id"))
            .put("agent", trigger.getString("agent"))
            .put("label", trigger.getString("label"))
            .put("score", trigger.getValue("score")));
    return Finding.of(clock.getAsLong(), AGENT, symbol, a.confidence(), a.bias(), details);
  }

  private void publishStatus() {
    vertx.eventBus().publish(Addresses.LLM_STATUS, llm.enabled() ? status.toJson() : LlmStatus.disabled());
    vertx.eventBus().publish(Addresses.AGENTS_STATUS, LlmStatus.agentEntry(llm, status));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(statusTimer);
    if (client != null) {
      client.close();
    }
    return findings == null ? Future.succeededFuture() : Future.all(scorecard.unregister(), findings.unregister());
  }
}
