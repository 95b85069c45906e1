package dev.tapewatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.LocalCodec;
import dev.tapewatch.bus.NodeShare;
import dev.tapewatch.market.SymbolVerticle;
import dev.tapewatch.tape.MarketBatch;
import dev.tapewatch.tape.Side;
import dev.tapewatch.tape.Trade;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import dev.tapewatch.config.Horizon;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A symbol's series leave /metrics when the symbol leaves the node, and come back fresh with it: the metrics verticle
 * and real symbol verticles on one real Prometheus registry, the node's share announced as the ownership verticle
 * announces it.
 */
class MetricsShareTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
  private static final String BTC = "{symbol=\"BTC-USD\"}";
  private static final String ETH = "{symbol=\"ETH-USD\"}";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    vertx.eventBus().registerDefaultCodec(MarketBatch.class, new LocalCodec<>(MarketBatch.class));
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String deploySymbol(String symbol) throws Exception {
    return await(vertx.deployVerticle(new SymbolVerticle(symbol, 1000, 1000, List.of(new Horizon("1m", 60_000)),
        false, registry)));
  }

  private Map<String, Double> scrape() {
    Map<String, Double> samples = new HashMap<>();
    for (String line : registry.scrape().split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches()) {
        samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return samples;
  }

  /** The feed's status lists every configured symbol whatever the node's share, as the feeds publish it. */
  private void publishFeedStatus(int btcTrades, int ethTrades) {
    vertx.eventBus().publish(Addresses.FEED_STATUS, new JsonObject().put("mode", "sim").put("connected", true)
        .put("symbols", new JsonObject()
            .put("BTC-USD", new JsonObject().put("trades", btcTrades).put("gaps", 1))
            .put("ETH-USD", new JsonObject().put("trades", ethTrades).put("gaps", 2))));
  }

  private void sendTrades(String symbol, int count) {
    long now = System.currentTimeMillis();
    List<Trade> trades = LongStream.rangeClosed(1, count)
        .mapToObj(i -> new Trade(symbol, now, 100.0, 0.5, Side.BUY, i)).toList();
    vertx.eventBus().send(Addresses.Market.EVENTS.of(symbol), new MarketBatch(trades, List.of(), System.nanoTime()));
  }

  /** Each expected sample with its value; one message names every one that differs or is missing. */
  private static void assertSamples(Map<String, Double> expected, Map<String, Double> samples) {
    Map<String, Double> actual = new TreeMap<>();
    expected.keySet().forEach(k -> actual.put(k, samples.get(k)));
    assertEquals(new TreeMap<>(expected), actual);
  }

  private void awaitScrape(String why, Consumer<Map<String, Double>> assertions) {
    Awaitility.await(why).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertions.accept(scrape()));
  }

  @Test
  void aSymbolThatLeavesTheNodeLeavesMetricsAndComesBackFresh() throws Exception {
    await(vertx.deployVerticle(new MetricsVerticle(registry, List.of("BTC-USD", "ETH-USD"))));
    deploySymbol("BTC-USD");
    String eth = deploySymbol("ETH-USD");
    sendTrades("BTC-USD", 3);
    sendTrades("ETH-USD", 2);
    publishFeedStatus(5, 7);
    awaitScrape("nothing announced: every symbol's series", m -> assertSamples(Map.of(
        "tapewatch_trades_ingested_total" + BTC, 5.0,
        "tapewatch_trades_ingested_total" + ETH, 7.0,
        "tapewatch_feed_trade_gaps_total" + ETH, 2.0,
        "tapewatch_trades_cached" + BTC, 3.0,
        "tapewatch_trades_cached" + ETH, 2.0,
        "tapewatch_late_trades_total" + ETH, 0.0,
        "tapewatch_trade_to_features_latency_seconds_count" + BTC, 3.0,
        "tapewatch_trade_to_features_latency_seconds_count" + ETH, 2.0), m));

    // As the ownership verticle lets a symbol go: the share is announced first, then the verticle is stopped.
    NodeShare.announce(vertx.eventBus(), List.of("BTC-USD"));
    await(vertx.undeploy(eth));
    publishFeedStatus(6, 8);
    awaitScrape("ETH-USD gone, BTC-USD still there", m -> {
      // Both figures came in the same status: ETH-USD's was heard and left out.
      assertSamples(Map.of(
          "tapewatch_trades_ingested_total" + BTC, 6.0,
          "tapewatch_feed_trade_gaps_total" + BTC, 1.0,
          "tapewatch_trades_cached" + BTC, 3.0,
          "tapewatch_late_trades_total" + BTC, 0.0,
          "tapewatch_trade_to_features_latency_seconds_count" + BTC, 3.0), m);
      assertEquals(List.of(), m.keySet().stream().filter(k -> k.contains("ETH-USD"))
          .map(k -> k.substring(0, k.indexOf('{'))).distinct().sorted().toList(), "series naming ETH-USD");
    });

    NodeShare.announce(vertx.eventBus(), List.of("BTC-USD", "ETH-USD"));
    deploySymbol("ETH-USD");
    publishFeedStatus(6, 9);
    awaitScrape("ETH-USD back, with no count of its previous stay", m -> assertSamples(Map.of(
        "tapewatch_trades_ingested_total" + ETH, 9.0,
        "tapewatch_trades_cached" + ETH, 0.0,
        "tapewatch_trade_to_features_latency_seconds_count" + ETH, 0.0,
        "tapewatch_trade_to_features_latency_seconds_count" + BTC, 3.0), m));
  }
}
