package dev.tapewatch.http;

import dev.tapewatch.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code /findings}, {@code /findings.csv} and {@code /db-health}, answered by the store verticle, and the live
 * {@code /findings/stream}.
 */
final class FindingRoutes {
  static final long STORE_TIMEOUT_MS = 3000;
  static final long KEEP_ALIVE_MS = 15_000;
  static final String CSV_HEADER = "ts_utc,id,agent,symbol,score,label,details\r\n";
  private static final Set<String> PARAMS = Set.of("symbol", "limit", "since", "before", "before_id", "agent");

  private static final Buffer LIVE = Buffer.buffer(": tapewatch findings\n\n");
  private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

  private final Vertx vertx;
  private final List<String> symbols;
  private final List<String> agentNames;
  /**
   * The open streams. Iterated over a snapshot: a stream closed while an event is written to the others removes
   * itself at once.
   */
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private Future<?> relayed;

  FindingRoutes(Vertx vertx, List<String> symbols, List<String> agentNames) {
    this.vertx = vertx;
    this.symbols = symbols;
    this.agentNames = agentNames;
  }

  /** Mounts the routes; the future completes once the findings stream hears the findings and outcomes. */
  Future<?> mount(Router router) {
    relayed = Future.all(relay(Addresses.FINDINGS, "finding"), relay(Addresses.FINDING_OUTCOMES, "outcome"));
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
    return relayed;
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
    return FindingRoutes.<JsonObject>askStore(vertx, ctx, Addresses.STORE_FINDINGS_QUERY, request)
        .map(reply -> reply.getJsonArray("findings"));
  }

  /**
   * A request to the findings store; a store that does not answer, or answers that it cannot, gives the client a 503
   * with Retry-After.
   */
  static <T> Future<T> askStore(Vertx vertx, RoutingContext ctx, String address, JsonObject request) {
    return vertx.eventBus().<T>request(address, request,
            new DeliveryOptions().setSendTimeout(STORE_TIMEOUT_MS))
        .map(Message::body)
        .onFailure(e -> {
          ctx.response().putHeader("Retry-After", "1");
          JsonErrors.send(ctx, 503, e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
              ? r.getMessage() : "findings store did not answer within " + STORE_TIMEOUT_MS + " ms");
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
    Subscriber subscriber = new Subscriber(ctx, q.optionalSymbol(symbols), q.oneOf("agent", agentNames));
    HttpServerResponse r = ctx.response()
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .setChunked(true);
    // The first line says the stream is live: in a cluster, once every node knows to send this node the findings.
    relayed.onComplete(registered -> {
      if (!r.closed()) {
        subscriber.send(LIVE);
        subscribers.add(subscriber);
      }
    });
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, id -> subscriber.send(KEEP_ALIVE));
    r.closeHandler(v -> {
      vertx.cancelTimer(keepAlive);
      subscribers.remove(subscriber);
    });
  }

  /**
   * Writes each message of {@code address} as an event named {@code event}, its id the finding's (an outcome carries
   * its finding's id), to every stream whose filters it passes; encoded once, whatever the number of streams.
   */
  private Future<Void> relay(String address, String event) {
    return vertx.eventBus().<JsonObject>consumer(address, m -> {
      JsonObject f = m.body();
      String symbol = f.getString("symbol");
      String agent = f.getString("agent");
      Buffer bytes = null;
      for (Subscriber s : subscribers) {
        if (s.wants(symbol, agent)) {
          if (bytes == null) {
            bytes = Buffer.buffer("event: " + event + "\nid: " + f.getString("id") + "\ndata: " + f.encode() + "\n\n");
          }
          s.send(bytes);
        }
      }
    }).completion();
  }

  /** One open stream and its filters (null: any). */
  private record Subscriber(RoutingContext ctx, String symbol, String agent) {
    boolean wants(String findingSymbol, String findingAgent) {
      return (symbol == null || symbol.equals(findingSymbol)) && (agent == null || agent.equals(findingAgent));
    }

    /**
     * Writes to the stream, or ends it when what was written before has not gone out yet: a client that reads too
     * slowly (a frozen tab, a stalled network) would otherwise have every finding queued for it in memory. The close
     * takes effect once the client has read what is queued, and a page that reconnects fetches what it missed; one
     * that never reads again is dropped by the server's write-idle timeout (see {@link ConnectionGuard}).
     */
    void send(Buffer event) {
      if (ctx.response().writeQueueFull()) {
        ctx.request().connection().close();
      } else {
        ctx.response().write(event);
      }
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
