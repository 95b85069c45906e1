package dev.tapewatch.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** The LLM analyst's configuration; README's "LLM analyst" section says how each value is used. */
public record LlmSettings(
    boolean enabled,
    String model,
    Optional<Secret> apiKey,
    URI baseUrl,
    int minIntervalSec,
    double alertMinConf,
    double analystMinScore,
    int timeoutSec) {

  static LlmSettings read(ConfigReader r) {
    LlmSettings s = new LlmSettings(
        r.bool("LLM_ENABLE"),
        r.string("OPENAI_MODEL"),
        r.optionalSecret("OPENAI_API_KEY"),
        r.uri("OPENAI_BASE_URL", List.of("https", "http")),
        r.integer("LLM_MIN_INTERVAL", 0, 86_400),
        r.decimal("LLM_ALERT_MIN_CONF", 0.0, 1.0),
        r.decimal("LLM_ANALYST_MIN_SCORE", 0.0, 1_000_000.0),
        r.integer("LLM_TIMEOUT_SEC", 1, 600));
    if (s.enabled && s.apiKey.isEmpty()) {
      throw new ConfigException("OPENAI_API_KEY", "''", "an API key when LLM_ENABLE=true");
    }
    return s;
  }
}
