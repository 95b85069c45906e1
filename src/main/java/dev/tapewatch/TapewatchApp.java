package dev.tapewatch;

import dev.tapewatch.agents.AgentCatalog;
import dev.tapewatch.alerts.AlertVerticle;
import dev.tapewatch.alerts.LlmAnalystVerticle;
import dev.tapewatch.agents.AgentVerticle;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.feed.CoinbaseFeedVerticle;
import dev.tapewatch.feed.ReplayFeedVerticle;
import dev.tapewatch.feed.SimFeedVerticle;
import dev.tapewatch.http.HttpVerticle;
import dev.tapewatch.market.CandleSeed;
import dev.tapewatch.market.MarketBatch;
import dev.tapewatch.market.SymbolVerticle;
import dev.tapewatch.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Deploys the whole service on a Vert.x instance: the store and the symbol verticles first, then HTTP (so that it
 * hears every status the others publish), the alert verticle and the LLM analyst (so that they hear every finding),
 * the agents, and the feed last so that no trade arrives before its verticle listens.
 */
public final class TapewatchApp {
  private TapewatchApp() {
  }

  /** Deploys everything; the future gives the HTTP port actually bound. */
  public static Future<Integer> deploy(Vertx vertx, TapewatchConfig config) {
    vertx.eventBus().registerDefaultCodec(MarketBatch.class, new LocalCodec<>(MarketBatch.class));
    vertx.eventBus().registerDefaultCodec(CandleSeed.class, new LocalCodec<>(CandleSeed.class));
    long startedMs = System.currentTimeMillis();
    List<Future<String>> first = new ArrayList<>();
    for (String s : config.symbols()) {
      first.add(vertx.deployVerticle(new SymbolVerticle(s, config.tradesMax())));
    }
    first.add(vertx.deployVerticle(new StoreVerticle(config)));
    HttpVerticle http = new HttpVerticle(config, startedMs);
    return Future.all(first)
        .compose(v -> vertx.deployVerticle(http))
        .compose(v -> vertx.deployVerticle(new AlertVerticle(config.alerts(), config.llm())))
        .compose(v -> vertx.deployVerticle(new LlmAnalystVerticle(config.llm(), config.symbols())))
        .compose(v -> Future.all(AgentCatalog.build(config).stream()
            .map(entry -> vertx.deployVerticle(new AgentVerticle(entry, config.symbols()))).toList()))
        .compose(v -> vertx.deployVerticle(feed(config), new DeploymentOptions()))
        .map(v -> http.actualPort());
  }

  private static VerticleBase feed(TapewatchConfig config) {
    return switch (config.feed().kind()) {
      case SIM -> new SimFeedVerticle(config);
      case REPLAY -> new ReplayFeedVerticle(config);
      case COINBASE -> new CoinbaseFeedVerticle(config);
    };
  }
}
