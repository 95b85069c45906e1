package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.config.ConfigException;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code SYMBOL} patterns resolved against the simulator's list and against a local server speaking the Exchange's
 * {@code GET /products} and Advanced Trade's {@code GET /api/v3/brokerage/market/products}, through the real client.
 */
class ProductCatalogTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static final AtomicInteger requests = new AtomicInteger();
  private static volatile int status = 200;

  @BeforeAll
  static void serveProductLists() throws Exception {
    vertx = Vertx.vertx();
    JsonArray exchange = new JsonArray()
        .add(exchange("ETH-USD", "online", false, false))
        .add(exchange("BTC-USD", "online", false, false))
        .add(exchange("AAVE-USD", "online", false, false))
        .add(exchange("OLD-USD", "delisted", false, false))
        .add(exchange("HALT-USD", "online", true, false))
        .add(exchange("WIND-USD", "online", false, true))
        .add(exchange("BTC-EUR", "online", false, false));
    JsonObject advanced = new JsonObject().put("products", new JsonArray()
            .add(advanced("SOL-USD", "online", false, false, "120000000.5"))
            .add(advanced("BTC-USD", "online", false, false, "758506771.41"))
            .add(advanced("DOGE-USD", "online", false, false, "not a number"))
            .add(advanced("ETH-USD", "online", false, false, "300000000"))
            .add(advanced("OFF-USD", "offline", false, false, "9e12"))
            .add(advanced("HALT-USD", "online", true, false, "9e12"))
            .add(advanced("GONE-USD", "online", false, true, "9e12"))
            .add(advanced("ETH-BTC", "online", false, false, "5")))
        .put("num_products", 8);
    server = vertx.createHttpServer().requestHandler(req -> {
      requests.incrementAndGet();
      if (status != 200) {
        req.response().setStatusCode(status).end("{\"message\":\"unavailable\"}");
      } else if (req.path().equals("/products")) {
        req.response().putHeader("Content-Type", "application/json").end(exchange.encode());
      } else if (req.path().equals("/api/v3/brokerage/market/products")
          && "SPOT".equals(req.getParam("product_type"))) {
        req.response().putHeader("Content-Type", "application/json").end(advanced.encode());
      } else {
        req.response().setStatusCode(404).end();
      }
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonObject exchange(String id, String status, boolean tradingDisabled, boolean cancelOnly) {
    return new JsonObject().put("id", id).put("base_currency", id.split("-")[0])
        .put("quote_currency", id.split("-")[1]).put("quote_increment", "0.01").put("base_increment", "0.00000001")
        .put("display_name", id.replace('-', '/')).put("min_market_funds", "1").put("margin_enabled", false)
        .put("post_only", false).put("limit_only", false).put("cancel_only", cancelOnly)
        .put("status", status).put("status_message", "").put("trading_disabled", tradingDisabled)
        .put("fx_stablecoin", false).put("auction_mode", false);
  }

  private static JsonObject advanced(String id, String status, boolean tradingDisabled, boolean disabled,
      String quoteVolume) {
    return new JsonObject().put("product_id", id).put("price", "1").put("volume_24h", "1")
        .put("status", status).put("trading_disabled", tradingDisabled).put("is_disabled", disabled)
        .put("product_type", "SPOT").put("quote_currency_id", id.split("-")[1])
        .put("base_currency_id", id.split("-")[0]).put("approximate_quote_24h_volume", quoteVolume)
        .put("alias_to", new JsonArray());
  }

  private static TapewatchConfig resolved(String... kv) {
    Map<String, String> env = new HashMap<>(Map.of("COINBASE_REST_URL", "http://127.0.0.1:" + server.actualPort(),
        "COINBASE_ADVANCED_REST_URL", "http://127.0.0.1:" + server.actualPort() + "/"));
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return ProductCatalog.resolve(TapewatchConfig.load(env));
  }

  @Test
  void theSimulatorResolvesAPatternAgainstItsOwnListMostTradedFirst() {
    List<String> usd = resolved("SYMBOL", "*-USD").symbols();
    assertEquals(SimulatedProducts.USD_PRODUCTS, usd.size());
    assertEquals(List.of("BTC-USD", "ETH-USD", "SOL-USD"), usd.subList(0, 3));
    assertTrue(usd.stream().allMatch(s -> s.endsWith("-USD")), usd.toString());
    assertEquals("BTC-USD", resolved("SYMBOL", "*-USD").defaultSymbol());
    assertEquals(List.of("ADA-USD", "BTC-EUR", "ETH-EUR", "SOL-EUR"),
        resolved("SYMBOL", "ADA-USD,*-EUR", "SYMBOL_LIMIT", "4").symbols());
    assertEquals(List.of("ETH-BTC", "SOL-BTC"), resolved("SYMBOL", "*-BTC", "SYMBOL_LIMIT", "2").symbols());
    assertEquals(List.of("BTC-USD", "BTC-EUR", "BTC-GBP"), resolved("SYMBOL", "BTC-*").symbols());
  }

  @Test
  void theExchangeListGivesItsOnlineTradingProductsByName() {
    assertEquals(List.of("AAVE-USD", "BTC-USD", "ETH-USD"),
        resolved("FEED", "coinbase", "SYMBOL", "*-USD").symbols());
    assertEquals(List.of("ETH-USD", "AAVE-USD", "BTC-USD"),
        resolved("FEED", "coinbase", "SYMBOL", "ETH-USD,*-USD").symbols(), "named first, then the rest, once each");
    assertEquals(List.of("AAVE-USD", "BTC-USD"),
        resolved("FEED", "coinbase", "SYMBOL", "*-USD,*-EUR", "SYMBOL_LIMIT", "2").symbols());
  }

  @Test
  void theAdvancedTradeListGivesTheMostTradedFirst() {
    assertEquals(List.of("BTC-USD", "ETH-USD", "SOL-USD", "DOGE-USD"),
        resolved("FEED", "coinbase-advanced", "SYMBOL", "*-USD").symbols());
    assertEquals(List.of("BTC-USD", "ETH-USD"),
        resolved("FEED", "coinbase-advanced", "SYMBOL", "*-USD", "SYMBOL_LIMIT", "2").symbols());
  }

  @Test
  void namedProductsNeedNoList() {
    int before = requests.get();
    assertEquals(List.of("NOT-LISTED"), resolved("FEED", "coinbase", "SYMBOL", "NOT-LISTED").symbols());
    assertEquals(before, requests.get());
  }

  @Test
  void aListThatCannotBeHadOrMatchesNothingNamesSymbol() {
    ConfigException nothing = assertThrows(ConfigException.class,
        () -> resolved("FEED", "coinbase", "SYMBOL", "*-JPY"));
    assertEquals("SYMBOL='*-JPY' is invalid: expected a pattern that matches at least one online product of http://"
        + "127.0.0.1:" + server.actualPort() + "/products", nothing.getMessage());
    status = 503;
    try {
      ConfigException down = assertThrows(ConfigException.class,
          () -> resolved("FEED", "coinbase-advanced", "SYMBOL", "*-USD"));
      assertEquals("SYMBOL", down.variable());
      assertEquals("SYMBOL='*-USD' is invalid: expected patterns resolved against the exchange's product list, which"
          + " could not be fetched from http://127.0.0.1:" + server.actualPort()
          + "/api/v3/brokerage/market/products?product_type=SPOT (HTTP 503); name the products instead, or try again"
          + " when the exchange can be reached", down.getMessage());
    } finally {
      status = 200;
    }
    ConfigException replay = assertThrows(ConfigException.class,
        () -> resolved("FEED", "replay:../shared/data/coinbase_exchange_wsfeed_capture_2021-04-17.log.gz",
            "SYMBOL", "*-USD"));
    assertEquals("SYMBOL='*-USD' is invalid: expected product names with FEED=replay (a tape has no product list to"
        + " match a pattern against)", replay.getMessage());
  }

  @Test
  void theSimulatedMarketIsAsBusyAsItsPlaceOnTheList() {
    assertEquals(1.0, SimulatedProducts.activity("BTC-USD"));
    assertEquals(1.0, SimulatedProducts.activity("NOT-LISTED"));
    List<String> all = SimulatedProducts.all();
    assertEquals(1.0, SimulatedProducts.activity(all.get(SimulatedProducts.MAJORS - 1)));
    assertEquals(0.5, SimulatedProducts.activity(all.get(SimulatedProducts.MAJORS + 4)));
    assertEquals(1.0 / (1.0 + 391 / 4.0), SimulatedProducts.activity(all.get(399)));
    assertEquals(all.size(), all.stream().distinct().count(), "no product twice");
  }
}
