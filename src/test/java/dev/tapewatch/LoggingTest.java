package dev.tapewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ServiceProcess;
import dev.tapewatch.support.TestService;
import dev.tapewatch.support.Waits;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run as its own process, at DEBUG, with every secret set and every path that could echo one failing: an
 * unknown database, an unreachable webhook and LLM endpoint, a wrong admin token. Every line is one JSON object with
 * the documented fields, and no secret appears anywhere in the log.
 */
@Tag("process")
class LoggingTest {
  static final List<String> SECRETS = List.of("Hunter2Pass", "SECRETPATH123", "sk-SECRETKEY456", "SECRETTOKEN789");

  @Test
  void jsonLinesWithFieldsAndNoSecret(@TempDir Path tmp) throws Exception {
    int port = TestService.freePort();
    int closed = TestService.freePort();
    Path log = tmp.resolve("service.log");
    String now = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm"));
    Map<String, String> env = Map.ofEntries(
        Map.entry("LOG_FORMAT", "json"), Map.entry("LOG_LEVEL", "DEBUG"), Map.entry("HTTP_PORT", "" + port),
        Map.entry("DATABASE_URL", "postgres://tw:Hunter2Pass@127.0.0.1:5432/tapewatch_no_such_db?sslmode=disable"),
        Map.entry("ALERT_WEBHOOK_URL", "http://127.0.0.1:" + closed + "/services/SECRETPATH123"),
        Map.entry("ALERT_MAX_RETRIES", "1"), Map.entry("LLM_ENABLE", "true"),
        Map.entry("OPENAI_API_KEY", "sk-SECRETKEY456"), Map.entry("OPENAI_BASE_URL", "http://127.0.0.1:" + closed + "/v1"),
        Map.entry("LLM_ANALYST_MIN_SCORE", "0"), Map.entry("ADMIN_TOKEN", "SECRETTOKEN789"),
        Map.entry("TS_INTERVAL", "1"), Map.entry("MACRO_WINDOWS", now), Map.entry("MACRO_RVOL_MIN", "0"),
        Map.entry("MACRO_INTERVAL_SEC", "1"), Map.entry("SHUTDOWN_GRACE_SEC", "2"));
    try (ServiceProcess service = ServiceProcess.start(env, log)) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> unauthorized = Waits.until("the service to answer", Duration.ofSeconds(30),
          IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                  + "/agents/run-now")).header("Authorization", "Bearer wrong-token")
              .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString()),
          r -> true, r -> r.statusCode() + " " + r.body());
      assertEquals(401, unauthorized.statusCode());
      // The macro finding goes to the LLM and to Slack, both unreachable: wait until both failures are logged.
      Waits.until("the LLM and Slack failures logged", Duration.ofSeconds(30), () -> {
        String sofar = Files.readString(log);
        return sofar.contains("LLM analysis failed") && sofar.contains("Slack alert given up");
      });
      service.terminate();
      assertTrue(service.process().waitFor(40, TimeUnit.SECONDS), "the service stops on SIGTERM");
      assertEquals(0, service.process().exitValue());
    }

    String all = Files.readString(log);
    for (String secret : SECRETS) {
      assertFalse(all.contains(secret), "the log holds the secret " + secret);
    }
    List<String> lines = Files.readAllLines(log);
    assertTrue(lines.size() > 20, "a DEBUG run logs: " + lines.size());
    boolean symbolField = false;
    boolean agentField = false;
    for (String line : lines) {
      JsonObject j = new JsonObject(line);
      for (String field : List.of("@timestamp", "level", "logger_name", "message")) {
        assertTrue(j.containsKey(field), field + " missing in " + line);
      }
      symbolField |= j.containsKey("symbol");
      agentField |= j.containsKey("agent");
    }
    assertTrue(symbolField && agentField, "lines about a symbol or an agent carry them as fields");
    assertTrue(all.contains("LLM analysis failed") && all.contains("Slack alert given up"),
        "the failure paths ran: " + all.length());
  }
}
