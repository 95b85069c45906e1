package dev.tapewatch.http;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.market.SymbolState;
import dev.tapewatch.tape.Timeframe;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON endpoints and the static dashboard. Market endpoints ask the symbol's verticle by request-reply, findings
 * endpoints the store, run-now each agent; /health and /agents read the statuses the verticles publish and never wait
 * on anyone.
 */
public final class HttpVerticle extends VerticleBase {
  static final long QUERY_TIMEOUT_MS = 2000;
  static final int MAX_REQUEST_LINE_BYTES = 4096;
  static final int MAX_HEADER_BYTES = 8192;
  /** The most levels a side /book lists. */
  static final int BOOK_LEVELS_MAX = 1000;
  private static final Set<String> SYMBOL_ONLY = Set.of("symbol");
  private static final DeliveryOptions QUERY = new DeliveryOptions().setSendTimeout(QUERY_TIMEOUT_MS);
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final List<String> TIMEFRAMES = Arrays.stream(Timeframe.values()).map(Timeframe::label).toList();
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final TapewatchConfig config;
  private final long startedMs;
  private final PrometheusMeterRegistry registry;
  private HealthView health;
  private HttpServer server;
  private boolean stopping;

  public HttpVerticle(TapewatchConfig config, long startedMs, PrometheusMeterRegistry registry) {
    this.config = config;
    this.startedMs = startedMs;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    health = new HealthView(config.symbols(), AgentCatalog.DESCRIPTORS, startedMs, config.cluster().enabled());
    var bus = vertx.eventBus();
    List<MessageConsumer<JsonObject>> caches = List.of(
        bus.consumer(Addresses.MARKET_STATUS, m -> health.symbolStatus(m.body(), System.currentTimeMillis())),
        bus.localConsumer(Addresses.FEED_STATUS, m -> health.feedStatus(m.body())),
        bus.localConsumer(Addresses.AGENTS_STATUS, m -> health.agentStatus(m.body())),
        bus.localConsumer(Addresses.STORE_STATUS, m -> health.storeStatus(m.body())),
        bus.localConsumer(Addresses.ALERTS_STATUS, m -> health.alertsStatus(m.body())),
        bus.localConsumer(Addresses.LLM_STATUS, m -> health.llmStatus(m.body())),
        bus.localConsumer(Addresses.CLUSTER_STATUS, m -> health.clusterStatus(m.body())),
        bus.localConsumer(Addresses.HTTP_STOPPING, m -> {
          stopping = true;
          m.reply(new JsonObject());
        }));

    Router router = Router.router(vertx);
    router.route().handler(HttpVerticle::noBody);
    router.route().handler(new OriginPolicy(config.http().allowedOrigins()));
    router.get("/health").handler(ctx -> {
      new QueryParams(ctx.queryParams(), Set.of());
      JsonObject h = health.toJson(System.currentTimeMillis());
      if (stopping) {
        // Not ready: the load balancer stops sending traffic while buffered findings are written.
        ctx.response().setStatusCode(503);
        h.put("status", "stopping");
      }
      ctx.json(h);
    });
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    marketRoute(router, "/signals", Addresses.Market.SIGNALS::of);
    marketRoute(router, "/signals_tf", Addresses.Market.SIGNALS_TF::of);
    marketRoute(router, "/debug/state", Addresses.Market.STATE::of);
    marketRoute(router, "/debug/features", Addresses.Market.FEATURES::of);
    marketRoute(router, "/bars", Addresses.Market.BARS::of, Set.of("symbol", "tf", "limit"), q -> new JsonObject()
        .put("tf", Objects.requireNonNullElse(q.oneOf("tf", TIMEFRAMES), "1m"))
        .put("limit", q.integer("limit", 120, 1, SymbolState.BARS_KEPT)));
    marketRoute(router, "/book", Addresses.Market.BOOK::of, Set.of("symbol", "depth"), q -> new JsonObject()
        .put("depth", q.integer("depth", 20, 1, BOOK_LEVELS_MAX)));
    new AgentRoutes(vertx, health, config.symbols(), AgentCatalog.timedNames(), config.http()).mount(router);
    Future<?> streamReady = new FindingRoutes(vertx, config.symbols(), AgentCatalog.names()).mount(router);
    new ScorecardRoutes(vertx, config.symbols(), config.scorecard().horizons()).mount(router);
    // An endpoint asked with another method is a 405 naming the methods it takes, not a search of the static files.
    allowedMethods(router).forEach((path, allowed) -> router.route(path).handler(ctx -> notAllowed(ctx, allowed)));
    // Front-end libraries come from WebJars on the classpath, so the page needs no build step and no copied file.
    // The files are UTF-8 whatever the JVM's default charset: without LANG, Java 17 would announce US-ASCII.
    router.route("/webjars/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create("META-INF/resources/webjars").setDefaultContentEncoding("UTF-8"));
    // The page changes with every release: browsers revalidate it rather than keep a day-old copy.
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create("webroot").setCachingEnabled(false).setDefaultContentEncoding("UTF-8"));
    router.errorHandler(404, ctx -> JsonErrors.send(ctx, 404, "no such endpoint: " + ctx.request().path()));
    // The router's own 405s can only come from the static files now.
    router.errorHandler(405, ctx -> notAllowed(ctx, "GET, HEAD"));
    router.route().failureHandler(this::failure);

    server = createServer(router);
    List<Future<?>> ready = new ArrayList<>(caches.stream().map(MessageConsumer::completion).toList());
    ready.add(streamReady);
    ready.add(server.listen(config.http().port(), "0.0.0.0"));
    return Future.all(ready);
  }

  /**
   * The server in front of the router: HTTP/1.x with bounded request lines and headers, every connection watched by
   * a {@link ConnectionGuard}, and the security headers on every answer.
   */
  private HttpServer createServer(Router router) {
    HttpServer s = vertx.createHttpServer(new HttpServerOptions()
        .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        // Plain HTTP/1.1 only: with h2c on, Vert.x makes the connection (and calls the guard) at its first complete
        // request, so a client that never finishes one would never be seen.
        .setHttp2ClearTextEnabled(false)
        .setWriteIdleTimeout(ConnectionGuard.writeStallTimeoutSec(config.http().idleTimeoutSec()))
        // A refused body is refused before the client sends it: no "100 Continue" goes out on its own.
        .setHandle100ContinueAutomatically(false));
    ConnectionGuard guard = new ConnectionGuard(vertx, TimeUnit.SECONDS.toMillis(config.http().idleTimeoutSec()),
        config.http().maxConnectionsPerIp());
    s.connectionHandler(guard::opened);
    s.invalidRequestHandler(HttpVerticle::undecodable);
    s.requestHandler(request -> {
      guard.requested(request);
      request.response().bodyEndHandler(v -> {
        guard.answered(request.connection());
        // The static handler pauses a request while it looks for the file and, for HEAD, answers without resuming
        // it: unread to its end, the request would stay in vertx_http_server_active_requests for good.
        if (!request.isEnded()) {
          request.resume();
        }
      });
      SecurityHeaders.add(request.response());
      router.handle(request);
    });
    return s;
  }

  /** What Netty could not decode, answered in JSON like every other error rather than with its bare status. */
  private static void undecodable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      JsonErrors.refuse(request, 414, "request line longer than " + MAX_REQUEST_LINE_BYTES + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      JsonErrors.refuse(request, 431, "request headers larger than " + MAX_HEADER_BYTES + " bytes");
    } else {
      JsonErrors.refuse(request, 400, "malformed HTTP request");
    }
  }

  /**
   * No endpoint reads a request body (every parameter is in the query string), so a request that announces one is
   * refused at once, before any of it is read, and its connection closed.
   */
  private static void noBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !length.equals("0"))) {
      JsonErrors.refuse(request, 413, "no endpoint takes a request body; parameters go in the query string");
      return;
    }
    ctx.next();
  }

  /** Each path routed so far with the methods it takes, as an Allow header lists them. */
  private static Map<String, String> allowedMethods(Router router) {
    Map<String, Set<String>> byPath = new TreeMap<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() != null && !route.methods().isEmpty()) {
        route.methods().forEach(m -> byPath.computeIfAbsent(route.getPath(), p -> new TreeSet<>()).add(m.name()));
      }
    }
    Map<String, String> out = new TreeMap<>();
    byPath.forEach((path, methods) -> out.put(path, String.join(", ", methods)));
    return out;
  }

  private static void notAllowed(RoutingContext ctx, String allowed) {
    ctx.response().putHeader("Allow", allowed);
    JsonErrors.send(ctx, 405, "method " + ctx.request().method() + " not allowed on " + ctx.request().path()
        + "; allowed: " + allowed);
  }

  /**
   * A market view of {@code ?symbol=} alone. Requests for a view that arrive while it is being asked wait for the
   * next ask, which answers them all: under load the symbol's verticle (busy with the feed) answers one request per
   * round trip rather than one per client, and no client is answered with state read before it asked.
   */
  private void marketRoute(Router router, String path, Function<String, String> address) {
    Map<String, MarketView> views = new HashMap<>();
    router.get(path).handler(ctx -> {
      String symbol = new QueryParams(ctx.queryParams(), SYMBOL_ONLY).symbol(config.symbols());
      views.computeIfAbsent(symbol, s -> new MarketView(s, address.apply(s))).ask(ctx);
    });
  }

  /** A market view of {@code ?symbol=}; {@code request} turns the other parameters into the request's body. */
  private void marketRoute(Router router, String path, Function<String, String> address, Set<String> params,
      Function<QueryParams, JsonObject> request) {
    Map<String, MarketView> views = new HashMap<>();
    router.get(path).handler(ctx -> {
      QueryParams q = new QueryParams(ctx.queryParams(), params);
      String symbol = q.symbol(config.symbols());
      MarketView view = views.computeIfAbsent(symbol, s -> new MarketView(s, address.apply(s)));
      vertx.eventBus().request(view.address, request.apply(q), QUERY).onComplete(reply -> view.answer(ctx, reply));
    });
  }

  /**
   * One symbol's view behind a route: its address, the requests waiting for it, and the last text it answered with
   * as bytes (a symbol's verticle answers with the same String until its state changes, so most answers find their
   * bytes encoded already).
   */
  private final class MarketView {
    final String symbol;
    final String address;
    private boolean asking;
    private List<RoutingContext> waiting = new ArrayList<>();
    private String text;
    private Buffer bytes;

    MarketView(String symbol, String address) {
      this.symbol = symbol;
      this.address = address;
    }

    void ask(RoutingContext ctx) {
      waiting.add(ctx);
      if (!asking) {
        askForWaiting();
      }
    }

    private void askForWaiting() {
      List<RoutingContext> asked = waiting;
      waiting = new ArrayList<>();
      asking = true;
      vertx.eventBus().request(address, null, QUERY).onComplete(reply -> {
        asking = false;
        if (!waiting.isEmpty()) {
          askForWaiting();
        }
        for (RoutingContext ctx : asked) {
          answer(ctx, reply);
        }
      });
    }

    void answer(RoutingContext ctx, AsyncResult<Message<Object>> reply) {
      if (reply.failed()) {
        unavailable(ctx, symbol, health.awaitingOwner(symbol), reply.cause());
      } else if (reply.result().body() instanceof String answer) {
        if (answer != text) {
          text = answer;
          bytes = Buffer.buffer(answer);
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(bytes);
      } else {
        ctx.json(reply.result().body());
      }
    }
  }

  private static void unavailable(RoutingContext ctx, String symbol, boolean awaitingOwner, Throwable e) {
    if (awaitingOwner) {
      ctx.response().putHeader("Retry-After", "2");
      JsonErrors.send(ctx, 503, symbol + " has no owner right now (its node left the cluster, or the cluster is still"
          + " forming) and another node is taking it over; retry in a few seconds");
      return;
    }
    String why = e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT
        ? "did not answer within " + QUERY_TIMEOUT_MS + " ms" : "is not available";
    ctx.response().putHeader("Retry-After", "1");
    JsonErrors.send(ctx, 503, "market state of " + symbol + " " + why);
  }

  private void failure(RoutingContext ctx) {
    Throwable e = ctx.failure();
    if (e instanceof QueryParams.BadRequest bad) {
      JsonErrors.send(ctx, bad.status, bad.getMessage());
      return;
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status >= 500) {
      LOG.error("request " + ctx.request().path() + " failed", e);
    }
    JsonErrors.send(ctx, status, status >= 500 ? "internal error" : "request failed with status " + status);
  }

  /** The port actually bound (useful with HTTP_PORT=0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** Lets requests in flight finish, for at most a few seconds. */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(5, TimeUnit.SECONDS);
  }
}
