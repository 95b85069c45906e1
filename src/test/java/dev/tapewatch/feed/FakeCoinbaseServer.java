package dev.tapewatch.feed;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the fake Coinbase servers share: one loopback port with the websocket on {@code /} and the REST routes beside
 * it, every REST call recorded, and the scripts any protocol has (a connection dropped by the server, the market moving
 * on unseen before one is served, trades withheld from the websocket); a subclass speaks its protocol on both. {@code S} is the subclass, for chaining.
 */
abstract class FakeCoinbaseServer<S extends FakeCoinbaseServer<S>> extends VerticleBase {
  /** One REST request: path and query parameters. */
  record RestCall(long atMs, String path, Map<String, String> params) {
  }

  /** One text message the client sent. */
  record ClientText(long atMs, String text) {
    /** The message as JSON, or null when it is not a JSON object. */
    JsonObject json() {
      try {
        return new JsonObject(text);
      } catch (DecodeException e) {
        return null;
      }
    }
  }

  /** One websocket connection, as the server saw it; read by the tests from any thread. */
  static final class Connection {
    final int index;
    final long openedMs;
    final List<ClientText> received = new CopyOnWriteArrayList<>();
    final AtomicInteger sent = new AtomicInteger();
    /** Every text sent on this connection, in order, exactly as written to the socket. */
    final List<String> sentTexts = new CopyOnWriteArrayList<>();
    final AtomicInteger heartbeatsSent = new AtomicInteger();
    volatile long lastSentMs;
    volatile long closedMs;
    volatile boolean closedByServer;
    volatile boolean silent;
    final ServerWebSocket ws;
    /** Channel to products, as the client subscribed. */
    final Map<String, Set<String>> subscribed = new LinkedHashMap<>();
    /** The number of the next message, for a protocol that numbers them (Advanced Trade's sequence_num). */
    long sequence;
    long pumpTimer = -1;
    long heartbeatTimer = -1;

    Connection(int index, long openedMs, ServerWebSocket ws) {
      this.index = index;
      this.openedMs = openedMs;
      this.ws = ws;
    }

    boolean open() {
      return closedMs == 0;
    }

    /** The subscribe messages the client sent on this connection. */
    List<ClientText> subscribes() {
      return received.stream().filter(t -> t.json() != null && "subscribe".equals(t.json().getString("type")))
          .toList();
    }

    /** What the client sent of {@code type} ({@code subscribe}, {@code unsubscribe}) for one {@code channel}. */
    List<ClientText> requests(String type, String channel) {
      return received.stream().filter(t -> t.json() != null && type.equals(t.json().getString("type"))
          && channel.equals(t.json().getString("channel"))).toList();
    }

    boolean wants(String channel, String product) {
      return subscribed.getOrDefault(channel, Set.of()).contains(product);
    }
  }

  private final List<RestCall> restCalls = new CopyOnWriteArrayList<>();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final Map<Integer, Integer> dropAt = new HashMap<>();
  private final Map<Integer, Integer> lostBefore = new HashMap<>();
  private final Map<String, Set<Long>> withheld = new HashMap<>();
  private HttpServer server;

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  /** Connection {@code connection} (0 = the first) is closed by the server once the cursor reaches {@code at}. */
  S dropAt(int connection, int at) {
    dropAt.put(connection, at);
    return self();
  }

  /** Before connection {@code connection} is served, {@code n} more of the market happen unseen. */
  S loseBefore(int connection, int n) {
    lostBefore.put(connection, n);
    return self();
  }

  /** These trades are not sent on the websocket; REST still knows them. */
  S withhold(String product, Collection<Long> tradeIds) {
    withheld.computeIfAbsent(product, p -> new HashSet<>()).addAll(tradeIds);
    return self();
  }

  /** Whether the trade is left out of the websocket. */
  boolean withheld(String product, long tradeId) {
    return withheld.getOrDefault(product, Set.of()).contains(tradeId);
  }

  /** Where {@code connection} is dropped: the cursor at which it is, or never. */
  int dropsAt(int connection) {
    return dropAt.getOrDefault(connection, Integer.MAX_VALUE);
  }

  /** How much of the market happens unseen before {@code connection} is served. */
  int lostBefore(int connection) {
    return lostBefore.getOrDefault(connection, 0);
  }

  /** The protocol's REST endpoints. */
  abstract void routes(Router router);

  /** A text the client sent on {@code c}, already recorded there. */
  abstract void received(Connection c, ClientText text);

  /** The body of an error answer with {@code message}, as the protocol writes it. */
  abstract JsonObject errorBody(String message);

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      Map<String, String> params = new LinkedHashMap<>();
      ctx.queryParams().forEach(e -> params.put(e.getKey(), e.getValue()));
      restCalls.add(new RestCall(System.currentTimeMillis(), ctx.request().path(), params));
      ctx.next();
    });
    routes(router);
    router.route().handler(ctx -> error(ctx, 404, "NotFound"));
    server = vertx.createHttpServer()
        .webSocketHandshakeHandler(hs -> {
          if ("/".equals(hs.path())) {
            hs.accept();
          } else {
            hs.reject(404);
          }
        })
        .webSocketHandler(this::onWebSocket)
        .requestHandler(router);
    return server.listen(0, "127.0.0.1");
  }

  private void onWebSocket(ServerWebSocket ws) {
    Connection c = new Connection(connections.size(), System.currentTimeMillis(), ws);
    connections.add(c);
    ws.textMessageHandler(text -> {
      ClientText t = new ClientText(System.currentTimeMillis(), text);
      c.received.add(t);
      received(c, t);
    });
    ws.closeHandler(v -> {
      c.closedMs = System.currentTimeMillis();
      stopTimers(c);
    });
  }

  List<Connection> connections() {
    return connections;
  }

  final void send(Connection c, String text) {
    c.ws.writeTextMessage(text);
    c.sentTexts.add(text);
    c.sent.incrementAndGet();
    c.lastSentMs = System.currentTimeMillis();
  }

  final void stopTimers(Connection c) {
    vertx.cancelTimer(c.pumpTimer);
    vertx.cancelTimer(c.heartbeatTimer);
  }

  int port() {
    return server.actualPort();
  }

  String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/";
  }

  String restUrl() {
    return "http://127.0.0.1:" + port();
  }

  List<RestCall> restCalls(String pathSuffix) {
    return restCalls.stream().filter(c -> c.path().endsWith(pathSuffix)).toList();
  }

  /** The query parameter as a number, null when absent; throws NumberFormatException when it is not one. */
  static Long longParam(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    return v == null ? null : Long.parseLong(v);
  }

  final void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(errorBody(message).encode());
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }
}
