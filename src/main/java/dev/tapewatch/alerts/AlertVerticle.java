package dev.tapewatch.alerts;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.AlertSettings;
import dev.tapewatch.config.LlmSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts findings to a Slack incoming webhook. {@link AlertPolicy} picks the findings, {@link SlackMessage} writes
 * them, {@link AlertQueue} holds (and under a burst coalesces) them, {@link AlertPacer} spaces the requests. One
 * request is in flight at a time; a message is resent only after a 429, a 5xx or no answer, so nothing is posted
 * twice, and the findings consumer only ever queues, so a slow webhook never slows the findings stream. Any other
 * 4xx means the webhook itself is wrong: it is reported once and nothing more is sent to it. The latest scorecard
 * rows heard on {@link Addresses#SCORECARD_ROWS} give each alert its label's track record.
 *
 * <p>Publishes its counters on {@link Addresses#ALERTS_STATUS} every second. {@code sent} counts messages (a digest
 * is one); {@code coalesced}, {@code failed}, {@code dropped} and {@code queued} count alerts. The webhook URL's path
 * is the secret: it appears in no log line and no status, only {@link AlertSettings#redactedWebhook()} does.
 */
public final class AlertVerticle extends VerticleBase {
  static final String NO_WEBHOOK = "ALERT_WEBHOOK_URL not set";
  private static final Logger LOG = LoggerFactory.getLogger(AlertVerticle.class);

  private final AlertSettings settings;
  private final AlertPolicy policy;
  private final AlertQueue queue;
  private final AlertPacer pacer;
  private WebClient client;
  private TrackRecord record = TrackRecord.NONE;
  private SlackMessage inFlight;
  private int retries;
  private long sent;
  private long suppressedCooldown;
  private long suppressedScore;
  private long filtered;
  private long coalesced;
  private long retried;
  private long failed;
  private long dropped;
  private String configError;
  private String lastError;
  private Instant lastSentAt;

  public AlertVerticle(AlertSettings alerts, LlmSettings llm) {
    this.settings = alerts;
    this.policy = new AlertPolicy(alerts.analysisOnly(), alerts.cooldownSec(), AgentCatalog.alertMinScores(alerts),
        llm.alertMinConf());
    this.queue = new AlertQueue(alerts.queueMax());
    this.pacer = new AlertPacer(alerts.ratePerSec());
  }

  @Override
  public Future<?> start() {
    Future<Void> ready = Future.succeededFuture();
    if (settings.webhookUrl().isPresent()) {
      client = WebClient.create(vertx, new WebClientOptions().setUserAgent("tapewatch")
          .setConnectTimeout(settings.timeoutSec() * 1000));
      ready = Future.all(
          vertx.eventBus().<JsonArray>localConsumer(Addresses.SCORECARD_ROWS, m -> record = new TrackRecord(m.body()))
              .completion(),
          vertx.eventBus().<JsonObject>localConsumer(Addresses.FINDINGS, m -> onFinding(m.body())).completion())
          .mapEmpty();
      LOG.info("Slack alerts to " + settings.redactedWebhook().orElseThrow());
    } else {
      LOG.info("Slack alerts off: " + NO_WEBHOOK);
    }
    return ready.onSuccess(v -> {
      publishStatus();
      vertx.setPeriodic(Addresses.STATUS_PERIOD_MS, id -> publishStatus());
    });
  }

  private void onFinding(JsonObject finding) {
    switch (policy.judge(finding, System.currentTimeMillis())) {
      case FILTERED -> filtered++;
      case BELOW_SCORE -> suppressedScore++;
      case COOLDOWN -> suppressedCooldown++;
      case ALERT -> {
        if (configError != null) {
          dropped++;
          return;
        }
        coalesced += queue.add(SlackMessage.of(finding, settings.verbose(), record));
        sendNext();
      }
    }
  }

  private void sendNext() {
    if (inFlight != null || configError != null) {
      return;
    }
    inFlight = queue.poll();
    if (inFlight != null) {
      retries = 0;
      sendWhenAllowed();
    }
  }

  private void sendWhenAllowed() {
    long delay = pacer.delayMs(System.currentTimeMillis());
    if (delay == 0) {
      post();
    } else {
      vertx.setTimer(delay, id -> post());
    }
  }

  private void post() {
    client.postAbs(settings.webhookUrl().orElseThrow().reveal())
        .timeout(settings.timeoutSec() * 1000L)
        .sendJsonObject(inFlight.payload())
        .map(r -> SlackOutcome.of(r.statusCode(), r.getHeader("Retry-After"), r.bodyAsString()))
        .otherwise(e -> SlackOutcome.noAnswer(describe(e)))
        .onSuccess(this::settle);
  }

  private void settle(SlackOutcome outcome) {
    long now = System.currentTimeMillis();
    pacer.answered(now);
    switch (outcome.kind()) {
      case DELIVERED -> {
        sent++;
        lastSentAt = Instant.ofEpochMilli(now);
        inFlight = null;
        sendNext();
      }
      case RATE_LIMITED -> {
        retried++;
        lastError = outcome.error();
        pacer.pauseUntil(now + outcome.waitMs());
        sendWhenAllowed();
      }
      case RETRY -> {
        lastError = outcome.error();
        if (retries < settings.maxRetries()) {
          retries++;
          retried++;
          pacer.pauseUntil(now + AlertPacer.backoffMs(retries));
          sendWhenAllowed();
        } else {
          failed += inFlight.alerts();
          LOG.warn("Slack alert given up after " + retries + " retries: " + lastError);
          inFlight = null;
          sendNext();
        }
      }
      case CONFIG_ERROR -> {
        configError = outcome.error() + "; alerts stopped until ALERT_WEBHOOK_URL is fixed and the service restarted";
        lastError = outcome.error();
        LOG.error("Slack webhook " + settings.redactedWebhook().orElseThrow() + ": "
            + configError);
        failed += inFlight.alerts();
        inFlight = null;
        dropped += queue.clear();
      }
    }
  }

  /** Why a request got no answer, with the webhook's secret path taken out (Vert.x's messages include it). */
  private String describe(Throwable e) {
    if (e instanceof TimeoutException) {
      return "no answer within " + settings.timeoutSec() + " s";
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String url = settings.webhookUrl().orElseThrow().reveal();
    URI uri = URI.create(url);
    String secret = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    message = message.replace(url, settings.redactedWebhook().orElseThrow());
    return secret.length() > 1 ? message.replace(secret, "/…") : message;
  }

  private void publishStatus() {
    vertx.eventBus().publish(Addresses.ALERTS_STATUS, status());
  }

  private JsonObject status() {
    JsonObject s = new JsonObject().put("enabled", client != null);
    if (client == null) {
      s.put("reason", NO_WEBHOOK);
    }
    return s.put("webhook", settings.redactedWebhook().orElse(null))
        .put("sent", sent)
        .put("suppressed_cooldown", suppressedCooldown)
        .put("suppressed_score", suppressedScore)
        .put("filtered", filtered)
        .put("coalesced", coalesced)
        .put("retried", retried)
        .put("failed", failed)
        .put("queued", queue.alerts() + (inFlight == null ? 0 : inFlight.alerts()))
        .put("dropped", dropped)
        .put("config_error", configError)
        .put("last_error", lastError)
        .put("last_sent_at", lastSentAt == null ? null : lastSentAt.toString());
  }

  /** Alerts still waiting when the service stops are not sent; they are counted as dropped and logged. */
  @Override
  public Future<?> stop() {
    int waiting = queue.clear() + (inFlight == null ? 0 : inFlight.alerts());
    if (waiting > 0) {
      dropped += waiting;
      LOG.warn("stopping with " + waiting + " alerts not sent; counted as dropped");
    }
    publishStatus();
    return Future.succeededFuture();
  }
}
