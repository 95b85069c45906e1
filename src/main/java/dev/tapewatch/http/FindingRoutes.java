package dev.tapewatch.http;

import dev.tapewatch.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /findings}, {@code /findings.csv} and {@code /db-health}, answered by the store verticle, and the live
 * {@code /findings/stream}.
 */
final class FindingRoutes {
  static final long STORE_TIMEOUT_MS = 3000;
  static final long KEEP_ALIVE_MS = 15_000;
  static final String CSV_HEADER = "ts_utc,id,agent,symbol,score,label,details\r\n";
  private static final Set<String> PARAMS = Set.of("symbol", "limit", "since", "before", "before_id", "agent");

  private final Vertx vertx;
  private final List<String> symbols;
  private final List<String> agentNames;

  FindingRoutes(Vertx vertx, List<String> symbols, List<String> agentNames) {
    this.vertx = vertx;
    this.symbols = symbols;
    this.agentNames = agentNames;
  }

  void mount(Router router) {
    router.get("/findings").handler(ctx -> query(ctx).onSuccess(found -> ctx.json(new JsonObject()
        .put("findings", found))));
    router.get("/findings.csv").handler(ctx -> query(ctx).onSuccess(found -> csv(ctx, found)));
    router.get("/findings/stream").handler(this::stream);
    router.get("/db-health").handler(ctx -> {
      new QueryParams(ctx.queryParams(), Set.of());
      vertx.eventBus().<JsonObject>request(Addresses.STORE_DB_HEALTH, new JsonObject(),
              new DeliveryOptions().setSendTimeout(STORE_TIMEOUT_MS))
          .onSuccess(reply -> ctx.json(reply.body()))
          .onFailure(e -> ctx.json(new JsonObject().put("ok", false)
              .put("error", "database check did not answer within " + STORE_TIMEOUT_MS + " ms")));
    });
  }

  /** The findings matching the request's parameters, newest first; a store that does not answer gives a 503. */
  private Future<JsonArray> query(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx.queryParams(), PARAMS);
    String symbol = q.optionalSymbol(symbols);
    int limit = q.integer("limit", 50, 1, 1000);
    Instant since = q.instant("since");
    Instant before = q.instant("before");
    String beforeId = q.uuid("before_id");
    if (beforeId != null && before == null) {
      throw new QueryParams.BadRequest(400, "parameter 'before_id' needs 'before', the time of the finding it names");
    }
    String agent = q.oneOf("agent", agentNames);
    JsonObject request = new JsonObject().put("symbol", symbol).put("limit", limit)
        .put("since", since == null ? null : since.toString())
        .put("before", before == null ? null : before.toString()).put("before_id", beforeId).put("agent", agent);
    return askStore(vertx, ctx, Addresses.STORE_FINDINGS_QUERY, request)
        .map(reply -> reply.getJsonArray("findings"));
  }

  /** A request to the findings store; a store that does not answer gives the client a 503 with Retry-After. */
  static Future<JsonObject> askStore(Vertx vertx, RoutingContext ctx, String address, JsonObject request) {
    return vertx.eventBus().<JsonObject>request(address, request,
            new DeliveryOptions().setSendTimeout(STORE_TIMEOUT_MS))
        .map(Message::body)
        .onFailure(e -> {
          ctx.response().putHeader("Retry-After", "1");
          JsonErrors.send(ctx, 503, "findings store did not answer within " + STORE_TIMEOUT_MS + " ms");
        });
  }

  private static void csv(RoutingContext ctx, JsonArray findings) {
    String symbol = ctx.queryParams().get("symbol");
    HttpServerResponse r = ctx.response()
        .putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"findings_"
            + (symbol == null ? "all" : symbol.trim().toUpperCase()) + ".csv\"")
        .setChunked(true);
    r.write(CSV_HEADER);
    for (Object o : findings) {
      JsonObject f = (JsonObject) o;
      r.write(String.join(",", f.getString("ts_utc"), f.getString("id"), cell(f.getString("agent")),
          cell(f.getString("symbol")), Double.toString(f.getDouble("score")), cell(f.getString("label")),
          cell(f.getJsonObject("details").encode())) + "\r\n");
    }
    r.end();
  }

  /**
   * Server-Sent Events: every new finding (of {@code ?symbol=} and {@code ?agent=} when given) as one {@code event:
   * finding} whose data is the finding's JSON, and a comment every {@value #KEEP_ALIVE_MS} ms so that idle
   * connections survive proxies. Outbound only; the stream ends when the client goes away or stops reading.
   */
  private void stream(RoutingContext ctx) {
    QueryParams q = new QueryParams(ctx.queryParams(), Set.of("symbol", "agent"));
    String symbol = q.optionalSymbol(symbols);
    String agent = q.oneOf("agent", agentNames);
    HttpServerResponse r = ctx.response()
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .setChunked(true);
    MessageConsumer<JsonObject> findings = relay(Addresses.FINDINGS, "finding", symbol, agent, ctx);
    MessageConsumer<JsonObject> outcomes = relay(Addresses.FINDING_OUTCOMES, "outcome", symbol, agent, ctx);
    // The first line says the stream is live: in a cluster, once every node knows to send this one the findings.
    Future.all(findings.completion(), outcomes.completion())
        .onComplete(registered -> send(ctx, ": tapewatch findings\n\n"));
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, id -> send(ctx, ": keep-alive\n\n"));
    r.closeHandler(v -> {
      vertx.cancelTimer(keepAlive);
      findings.unregister();
      outcomes.unregister();
    });
  }

  /**
   * Writes each message of {@code address} that matches the filters as an event named {@code event}, its id the
   * finding's (an outcome carries its finding's id).
   */
  private MessageConsumer<JsonObject> relay(String address, String event, String symbol, String agent,
      RoutingContext ctx) {
    return vertx.eventBus().consumer(address, m -> {
      JsonObject f = m.body();
      if ((symbol == null || symbol.equals(f.getString("symbol")))
          && (agent == null || agent.equals(f.getString("agent")))) {
        send(ctx, "event: " + event + "\nid: " + f.getString("id") + "\ndata: " + f.encode() + "\n\n");
      }
    });
  }


  /**
   * Writes to the stream, or ends it when what was written before has not gone out yet: a client that reads too
   * slowly (a frozen tab, a stalled network) would otherwise have every finding queued for it in memory. The close
   * takes effect once the client has read what is queued, and a page that reconnects fetches what it missed; one
   * that never reads again is dropped by the server's write-idle timeout (see {@link ConnectionGuard}).
   */
  private static void send(RoutingContext ctx, String event) {
    if (ctx.response().writeQueueFull()) {
      ctx.request().connection().close();
    } else {
      ctx.response().write(event);
    }
  }

  /** RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
  static String cell(String v) {
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      return v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
