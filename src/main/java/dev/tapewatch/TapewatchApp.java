package dev.tapewatch;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.LocalCodec;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.alerts.AlertVerticle;
import dev.tapewatch.cluster.ClusterNode;
import dev.tapewatch.cluster.SymbolOwnershipVerticle;
import dev.tapewatch.alerts.LlmAnalystVerticle;
import dev.tapewatch.agents.AgentVerticle;
import dev.tapewatch.agents.TapeClockVerticle;
import dev.tapewatch.config.AgentSettings.AgentClock;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.feed.AdvancedTradeFeedVerticle;
import dev.tapewatch.feed.CoinbaseFeedVerticle;
import dev.tapewatch.feed.ReplayFeedVerticle;
import dev.tapewatch.feed.SimFeedVerticle;
import dev.tapewatch.http.HttpVerticle;
import dev.tapewatch.tape.CandleSeed;
import dev.tapewatch.tape.MarketBatch;
import dev.tapewatch.market.SymbolVerticle;
import dev.tapewatch.metrics.MetricsVerticle;
import dev.tapewatch.metrics.ScorecardGauges;
import dev.tapewatch.scorecard.ScoredFindings;
import dev.tapewatch.store.StoreVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The whole service on a Vert.x instance. Deployed in this order: metrics, the store, the symbol verticles (which ask
 * the store for the outcomes still owed), HTTP (so that it hears every status the others publish), the alert verticle and the LLM analyst (so that they hear every finding),
 * the agents, and the feed last so that no trade arrives before its verticle listens; stopped in the order that
 * writes what it holds (see {@link #shutdown()}).
 */
public final class TapewatchApp {
  private final Vertx vertx;
  private final int port;
  /** Deployment ids, in the order in which the shutdown undeploys them. */
  private final List<List<String>> stopOrder;

  private TapewatchApp(Vertx vertx, int port, List<List<String>> stopOrder) {
    this.vertx = vertx;
    this.port = port;
    this.stopOrder = stopOrder;
  }

  /** A Vert.x whose own metrics (HTTP server, event bus, pools, JVM) go to {@code registry}, beside the domain's. */
  public static Vertx vertxWithMetrics(PrometheusMeterRegistry registry) {
    return Vertx.builder().with(vertxOptions()).withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  /** The same, clustered ({@code CLUSTER=true}): joins the other nodes before anything is deployed. */
  public static Future<ClusterNode> clusterNodeWithMetrics(TapewatchConfig config, PrometheusMeterRegistry registry) {
    return ClusterNode.join(config.cluster(), config.http().port(), vertxOptions(),
        new MicrometerMetricsFactory(registry));
  }

  private static VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true));
  }

  /** Deploys everything on a single node with metrics of its own; the future gives the HTTP port actually bound. */
  public static Future<Integer> deploy(Vertx vertx, TapewatchConfig config) {
    return start(vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null).map(TapewatchApp::port);
  }

  /**
   * Deploys everything and returns the running service; {@code registry} receives the domain metrics and is scraped
   * at /metrics (give Vert.x the same one, see {@link #vertxWithMetrics}, to have its own metrics there too). With
   * {@code cluster} (the node's, when clustered) the symbols are not deployed here but claimed from the cluster by
   * the ownership verticle, deployed last; the feed and the agents start with no symbol and follow the node's share.
   */
  public static Future<TapewatchApp> start(Vertx vertx, TapewatchConfig config, PrometheusMeterRegistry registry,
      ClusterNode cluster) {
    registerCodecs(vertx);
    long startedMs = System.currentTimeMillis();
    List<String> share = cluster == null ? config.symbols() : List.of();
    Function<String, Deployable> symbolVerticle = symbolVerticles(config, registry);
    HttpVerticle http = new HttpVerticle(config, startedMs, registry);
    List<String> stopSymbols = new ArrayList<>();
    List<String> stopStore = new ArrayList<>();
    List<String> stopHttp = new ArrayList<>();
    List<String> stopAlerts = new ArrayList<>();
    List<String> stopAgents = new ArrayList<>();
    List<String> stopFeed = new ArrayList<>();
    List<String> stopOwnership = new ArrayList<>();
    // A worker: every second the feed's status names every symbol, and turning hundreds of them into meters held up
    // the trades of the symbols sharing its event loop by milliseconds (the paced row's profile).
    return vertx.deployVerticle(new MetricsVerticle(registry, share),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).onSuccess(stopHttp::add)
        // The store first: a symbol verticle asks it for the outcomes its findings are still owed.
        .compose(v -> vertx.deployVerticle(new StoreVerticle(config.store()))).onSuccess(stopStore::add)
        .compose(v -> vertx.deployVerticle(new ScorecardGauges(registry, config.scorecard()))).onSuccess(stopHttp::add)
        .compose(v -> deploySymbols(vertx, share, symbolVerticle, stopSymbols))
        .compose(v -> vertx.deployVerticle(http)).onSuccess(stopHttp::add)
        .compose(v -> vertx.deployVerticle(new AlertVerticle(config.alerts(), config.llm()))).onSuccess(stopAlerts::add)
        .compose(v -> vertx.deployVerticle(new LlmAnalystVerticle(config.llm(), config.symbols())))
        .onSuccess(stopAgents::add)
        .compose(v -> deployAgents(vertx, config, share, stopAgents))
        .compose(v -> vertx.deployVerticle(feed(config, share))).onSuccess(stopFeed::add)
        .compose(v -> cluster == null ? Future.succeededFuture()
            : vertx.deployVerticle(new SymbolOwnershipVerticle(config, cluster.manager(), symbolVerticle))
                .onSuccess(stopOwnership::add))
        .map(v -> new TapewatchApp(vertx, http.actualPort(), List.of(stopFeed, stopAgents, stopAlerts,
            stopOwnership, stopStore, stopHttp, stopSymbols)));
  }

  /**
   * The agents over a replay on the tape clock, in-process, for a backtest: the store (in memory), the symbols, the
   * agents and the replay; no HTTP, no alerts, no LLM analyst, no metrics. The caller listens to the findings and the
   * feed status before calling this, since the replay starts at once, and closes {@code vertx} when done.
   */
  public static Future<Void> backtest(Vertx vertx, TapewatchConfig config) {
    registerCodecs(vertx);
    List<String> ignored = new ArrayList<>();
    return vertx.deployVerticle(new StoreVerticle(config.store()))
        .compose(v -> deploySymbols(vertx, config.symbols(),
            symbolVerticles(config, new SimpleMeterRegistry()), ignored))
        .compose(v -> deployAgents(vertx, config, config.symbols(), ignored))
        .compose(v -> vertx.deployVerticle(new ReplayFeedVerticle(config)))
        .mapEmpty();
  }

  private static void registerCodecs(Vertx vertx) {
    vertx.eventBus().registerDefaultCodec(MarketBatch.class, new LocalCodec<>(MarketBatch.class));
    vertx.eventBus().registerDefaultCodec(CandleSeed.class, new LocalCodec<>(CandleSeed.class));
    vertx.eventBus().registerDefaultCodec(ScoredFindings.class, new LocalCodec<>(ScoredFindings.class));
  }

  private static Function<String, Deployable> symbolVerticles(TapewatchConfig config, MeterRegistry registry) {
    return symbol -> new SymbolVerticle(symbol, config.market().tradesMax(), config.market().bookDepth(),
        config.scorecard().horizons(), config.feed().mode().isLive(), registry);
  }

  private static Future<?> deploySymbols(Vertx vertx, List<String> symbols,
      Function<String, Deployable> symbolVerticle, List<String> ids) {
    return Future.all(symbols.stream().map(s -> vertx.deployVerticle(symbolVerticle.apply(s)).onSuccess(ids::add))
        .toList());
  }

  /**
   * Every agent of the catalogue, and on the tape clock the verticle that runs them at the tape's times. The agents
   * are worker verticles: a run over every symbol (hundreds of snapshots evaluated, findings announced) would otherwise
   * hold up, for its whole length, the trades of the symbols that share its event loop.
   */
  private static Future<?> deployAgents(Vertx vertx, TapewatchConfig config, List<String> share, List<String> ids) {
    List<AgentCatalog.Entry> agents = AgentCatalog.build(config.agents());
    DeploymentOptions worker = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
    return Future.all(agents.stream()
            .map(entry -> vertx.deployVerticle(new AgentVerticle(entry, share, config.agents().clock()), worker)
                .onSuccess(ids::add)).toList())
        .compose(v -> config.agents().clock() == AgentClock.TAPE
            ? vertx.deployVerticle(new TapeClockVerticle(agents)).onSuccess(ids::add)
            : Future.succeededFuture());
  }

  public int port() {
    return port;
  }

  /**
   * The orderly stop: /health turns not-ready first, then the feed stops, the agents and the analyst stop
   * scheduling, waiting alerts are counted, the store writes what it buffered (within SHUTDOWN_GRACE_SEC), and HTTP
   * lets requests in flight finish. In cluster mode the node releases its symbols right after its feed and agents
   * stop, so the other nodes take them over at once. Never fails; each step goes on whatever the one before did.
   */
  public Future<Void> shutdown() {
    Future<?> chain = vertx.eventBus().request(Addresses.HTTP_STOPPING, null).otherwiseEmpty();
    for (List<String> step : stopOrder) {
      chain = chain.eventually(() -> Future.join(step.stream().map(id -> vertx.undeploy(id)).toList()));
    }
    return chain.otherwiseEmpty().mapEmpty();
  }

  private static VerticleBase feed(TapewatchConfig config, List<String> share) {
    return switch (config.feed().mode().kind()) {
      case SIM -> new SimFeedVerticle(config, share);
      case REPLAY -> new ReplayFeedVerticle(config);
      case COINBASE -> new CoinbaseFeedVerticle(config, share, System::currentTimeMillis);
      case COINBASE_ADVANCED -> new AdvancedTradeFeedVerticle(config, share, System::currentTimeMillis);
    };
  }
}
