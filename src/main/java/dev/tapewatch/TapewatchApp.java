package dev.tapewatch;

import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.feed.CoinbaseFeedVerticle;
import dev.tapewatch.feed.ReplayFeedVerticle;
import dev.tapewatch.feed.SimFeedVerticle;
import dev.tapewatch.http.HttpVerticle;
import dev.tapewatch.market.CandleSeed;
import dev.tapewatch.market.MarketBatch;
import dev.tapewatch.market.SymbolVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;

/** Deploys the whole service on a Vert.x instance: symbol verticles first, then HTTP, then the feed. */
public final class TapewatchApp {
  private TapewatchApp() {
  }

  /** Deploys everything; the future gives the HTTP port actually bound. */
  public static Future<Integer> deploy(Vertx vertx, TapewatchConfig config) {
    vertx.eventBus().registerDefaultCodec(MarketBatch.class, new LocalCodec<>(MarketBatch.class));
    vertx.eventBus().registerDefaultCodec(CandleSeed.class, new LocalCodec<>(CandleSeed.class));
    long startedMs = System.currentTimeMillis();
    List<Future<String>> symbols = new ArrayList<>();
    for (String s : config.symbols()) {
      symbols.add(vertx.deployVerticle(new SymbolVerticle(s, config.tradesMax())));
    }
    HttpVerticle http = new HttpVerticle(config, startedMs);
    return Future.all(symbols)
        .compose(v -> vertx.deployVerticle(http))
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
