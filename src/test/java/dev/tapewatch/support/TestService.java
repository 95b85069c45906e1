package dev.tapewatch.support;

import dev.tapewatch.Main;

import dev.tapewatch.TapewatchApp;
import dev.tapewatch.config.TapewatchConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The whole service started in-process on a free loopback port, with a web client pointed at it. */
public final class TestService {
  private final Vertx vertx;
  private final WebClient client;
  private final int port;

  private TestService(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    this.client = WebClient.create(vertx);
  }

  /** Starts the service with {@code env} over the defaults and an unused HTTP port; waits until it listens. */
  public static TestService start(Vertx vertx, Map<String, String> env) throws Exception {
    return start(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), env);
  }

  /**
   * The same on a Vert.x of its own that reports its HTTP server, event bus and pools to the /metrics the service
   * serves, as in production; the caller closes it ({@code vertx().close()}).
   */
  public static TestService startWithVertxMetrics(Map<String, String> env) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return start(TapewatchApp.vertxWithMetrics(registry), registry, env);
  }

  private static TestService start(Vertx vertx, PrometheusMeterRegistry registry, Map<String, String> env)
      throws Exception {
    Map<String, String> all = withTestStore(env);
    all.put("HTTP_PORT", Integer.toString(freePort()));
    int port = TapewatchApp.start(vertx, Main.configuration(all), registry, null).map(TapewatchApp::port)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new TestService(vertx, port);
  }

  /**
   * {@code env} with a DATA_DIR of its own (a new temporary directory) unless it names one, and STORE=memory unless
   * it names a store or a DATABASE_URL: a test never writes into the working directory's ./data.
   */
  public static Map<String, String> withTestStore(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    if (!all.containsKey("STORE") && all.getOrDefault("DATABASE_URL", "").isEmpty()) {
      all.put("STORE", "memory");
    }
    if (!all.containsKey("DATA_DIR")) {
      try {
        all.put("DATA_DIR", Files.createTempDirectory("tapewatch-data").toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public Future<HttpResponse<Buffer>> get(String pathAndQuery) {
    return client.get(port, "127.0.0.1", pathAndQuery).send();
  }

  /** GET that blocks the test thread (never an event loop) for at most 10 s. */
  public HttpResponse<Buffer> getNow(String pathAndQuery) throws Exception {
    return get(pathAndQuery).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public JsonObject json(String pathAndQuery) throws Exception {
    HttpResponse<Buffer> r = getNow(pathAndQuery);
    if (r.statusCode() != 200) {
      throw new AssertionError(pathAndQuery + " answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /** Polls {@code path} until {@code done} holds for its JSON, or fails after {@code timeoutMs}. */
  public JsonObject await(String path, Predicate<JsonObject> done, long timeoutMs) {
    return Waits.until("condition on " + path, Duration.ofMillis(timeoutMs), () -> json(path), done,
        JsonObject::encode);
  }

  public Vertx vertx() {
    return vertx;
  }
}
