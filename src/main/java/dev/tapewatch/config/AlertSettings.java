package dev.tapewatch.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Slack alert verticle's configuration; README's "Alerts" section says how each value is used. */
public record AlertSettings(
    Optional<Secret> webhookUrl,
    boolean analysisOnly,
    boolean verbose,
    int cooldownSec,
    Map<String, Double> minScoreOverrides,
    String minScoresSpec,
    double ratePerSec,
    int queueMax,
    int timeoutSec,
    int maxRetries) {

  static AlertSettings read(ConfigReader r) {
    return new AlertSettings(
        r.optionalSecretUri("ALERT_WEBHOOK_URL", List.of("https", "http")),
        r.bool("SLACK_ANALYSIS_ONLY"),
        r.bool("ALERT_VERBOSE"),
        r.integer("ALERT_COOLDOWN_SEC", 0, 86_400),
        r.keyedNumbers("ALERT_MIN_SCORES"),
        r.raw("ALERT_MIN_SCORES"),
        r.decimal("ALERT_RATE_PER_SEC", 0.01, 100.0),
        r.integer("ALERT_QUEUE_MAX", 1, 100_000),
        r.integer("ALERT_TIMEOUT_SEC", 1, 300),
        r.integer("ALERT_MAX_RETRIES", 0, 100));
  }

  /** The webhook URL without its secret path, safe to show: {@code https://hooks.slack.com/…}. */
  public Optional<String> redactedWebhook() {
    return webhookUrl.map(s -> {
      URI u = URI.create(s.reveal());
      return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/…";
    });
  }
}
