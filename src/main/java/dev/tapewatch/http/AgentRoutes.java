package dev.tapewatch.http;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code GET /agents} from the registry cache and {@code POST /agents/run-now} through each agent's verticle. */
final class AgentRoutes {
  static final long RUN_NOW_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final HealthView health;
  private final List<String> symbols;
  private final List<String> agentNames;
  /** SHA-256 of ADMIN_TOKEN; empty when none is set. */
  private final Optional<byte[]> tokenDigest;

  private final RateLimiter runNowLimit;

  AgentRoutes(Vertx vertx, HealthView health, List<String> symbols, List<String> agentNames, HttpSettings http) {
    this.vertx = vertx;
    this.health = health;
    this.symbols = symbols;
    this.agentNames = agentNames;
    this.tokenDigest = http.adminToken().map(t -> sha256(t.reveal()));
    this.runNowLimit = new RateLimiter(http.runNowPerMin());
  }

  void mount(Router router) {
    router.get("/agents").handler(ctx -> {
      new QueryParams(ctx.queryParams(), Set.of());
      ctx.json(new JsonObject().put("agents", health.agents()));
    });
    router.post("/agents/run-now").handler(this::runNow);
  }

  /** {@code {ok, ran: [name], results: [{agent, symbol, finding?, error?}]}}; ok is false when any result is an error. */
  private void runNow(RoutingContext ctx) {
    // Counted before the token is checked, so that guessing it is slowed down as well.
    long waitMs = runNowLimit.delayMs(ctx.request().remoteAddress().hostAddress(), System.currentTimeMillis());
    if (waitMs > 0) {
      long seconds = (waitMs + 999) / 1000;
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      JsonErrors.send(ctx, 429, "at most " + runNowLimit.perMinute() + " run-now requests a minute from one address;"
          + " retry in " + seconds + " s");
      return;
    }
    if (!authorized(ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      JsonErrors.send(ctx, 401, "this endpoint needs Authorization: Bearer <ADMIN_TOKEN>");
      return;
    }
    QueryParams q = new QueryParams(ctx.queryParams(), Set.of("names", "symbol", "insert"));
    List<String> names = q.names("names", agentNames);
    String symbol = q.optionalSymbol(symbols);
    boolean insert = q.bool("insert", true);
    JsonObject request = new JsonObject().put("insert", insert);
    List<Future<JsonArray>> runs = new ArrayList<>();
    // One request per agent and symbol: in a cluster each reaches the node that owns the symbol.
    for (String name : names) {
      for (String s : symbol == null ? symbols : List.of(symbol)) {
        runs.add(vertx.eventBus().<JsonObject>request(Addresses.agentRunNow(name, s), request,
                new DeliveryOptions().setSendTimeout(RUN_NOW_TIMEOUT_MS))
            .map(reply -> reply.body().getJsonArray("results"))
            .otherwise(e -> new JsonArray().add(new JsonObject().put("agent", name).put("symbol", s)
                .put("error", "agent did not answer: " + e.getMessage()))));
      }
    }
    Future.join(runs).onComplete(done -> {
      JsonArray results = new JsonArray();
      runs.forEach(f -> results.addAll(f.result()));
      boolean ok = results.stream().noneMatch(r -> ((JsonObject) r).containsKey("error"));
      ctx.json(new JsonObject().put("ok", ok).put("ran", new JsonArray(names)).put("results", results));
    });
  }

  /**
   * {@code Bearer <token>}, the scheme in any case (scheme names are case-insensitive, RFC 9110). The token is
   * compared as a SHA-256 digest with {@link MessageDigest#isEqual}: the time taken tells neither where a guess
   * first differs nor how long the token is.
   */
  private boolean authorized(String header) {
    if (tokenDigest.isEmpty()) {
      return true;
    }
    String h = header == null ? "" : header.trim();
    int space = h.indexOf(' ');
    return space > 0 && h.substring(0, space).equalsIgnoreCase("Bearer")
        && MessageDigest.isEqual(sha256(h.substring(space + 1).trim()), tokenDigest.get());
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
