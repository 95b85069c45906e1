package dev.tapewatch.feed;

import dev.tapewatch.config.ConfigException;
import dev.tapewatch.config.FeedSettings;
import dev.tapewatch.config.SymbolSelection;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Resolves a {@code SYMBOL} with patterns against the products the feed can watch: the simulator's list, or the
 * exchange's products that are online and trading, fetched once at start-up (before anything binds, so the plain
 * blocking client of the JDK). Exchange products come in name order (its list carries no volume); Advanced Trade
 * ones most traded first, by their approximate 24-hour quote volume, so that a {@code SYMBOL_LIMIT} keeps the
 * busiest. A list that cannot be fetched or read stops start-up with one line naming {@code SYMBOL}.
 */
public final class ProductCatalog {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final String EXCHANGE_PRODUCTS = "/products";
  static final String ADVANCED_PRODUCTS = "/api/v3/brokerage/market/products?product_type=SPOT";

  private ProductCatalog() {
  }

  /**
   * {@code config} watching what its selection resolves to; unchanged when every product is named outright.
   *
   * @throws ConfigException naming SYMBOL when the list cannot be had or nothing matches
   */
  public static TapewatchConfig resolve(TapewatchConfig config) {
    SymbolSelection selection = config.market().selection();
    if (selection.explicit()) {
      return config;
    }
    FeedSettings feed = config.feed();
    return config.withSymbols(switch (feed.mode().kind()) {
      case SIM -> selection.resolve(SimulatedProducts.all(), "the simulator");
      case COINBASE -> {
        URI url = endpoint(feed.coinbaseRestUrl(), EXCHANGE_PRODUCTS);
        yield selection.resolve(exchangeProducts(fetch(selection, url)), url.toString());
      }
      case COINBASE_ADVANCED -> {
        URI url = endpoint(feed.coinbaseAdvancedRestUrl(), ADVANCED_PRODUCTS);
        yield selection.resolve(advancedProducts(fetch(selection, url)), url.toString());
      }
      case REPLAY -> throw new ConfigException("SYMBOL", ConfigException.quote(selection.raw()),
          "product names with FEED=replay (a tape has no product list to match a pattern against)");
    });
  }

  private static URI endpoint(URI base, String path) {
    String s = base.toString();
    return URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + path);
  }

  private static String fetch(SymbolSelection selection, URI url) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
          .header("User-Agent", "tapewatch").header("Accept", "application/json").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw unresolved(selection, url, "HTTP " + r.statusCode());
      }
      return r.body();
    } catch (IOException e) {
      throw unresolved(selection, url, e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unresolved(selection, url, "interrupted");
    }
  }

  private static ConfigException unresolved(SymbolSelection selection, URI url, String why) {
    return new ConfigException("SYMBOL", ConfigException.quote(selection.raw()),
        "patterns resolved against the exchange's product list, which could not be fetched from " + url + " ("
            + why + "); name the products instead, or try again when the exchange can be reached");
  }

  /** The Exchange's {@code GET /products}: the ids of the products online and neither disabled nor cancel-only. */
  static List<String> exchangeProducts(String body) {
    List<String> out = new ArrayList<>();
    for (Object o : array(body, null)) {
      if (o instanceof JsonObject p && "online".equals(p.getValue("status"))
          && !Boolean.TRUE.equals(p.getValue("trading_disabled")) && !Boolean.TRUE.equals(p.getValue("cancel_only"))
          && p.getValue("id") instanceof String id) {
        out.add(id);
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /**
   * Advanced Trade's {@code GET /market/products}: the ids of the products online and enabled, the largest
   * approximate 24-hour quote volume first (then by name).
   */
  static List<String> advancedProducts(String body) {
    record Listed(String id, double volume) {
    }
    List<Listed> listed = new ArrayList<>();
    for (Object o : array(body, "products")) {
      if (o instanceof JsonObject p && "online".equals(p.getValue("status"))
          && !Boolean.TRUE.equals(p.getValue("trading_disabled")) && !Boolean.TRUE.equals(p.getValue("is_disabled"))
          && p.getValue("product_id") instanceof String id) {
        listed.add(new Listed(id, volume(p.getValue("approximate_quote_24h_volume"))));
      }
    }
    listed.sort(Comparator.comparingDouble(Listed::volume).reversed().thenComparing(Listed::id));
    return listed.stream().map(Listed::id).toList();
  }

  private static double volume(Object value) {
    try {
      double v = value instanceof String s ? Double.parseDouble(s) : 0;
      return Double.isFinite(v) && v > 0 ? v : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The body's array (the body itself, or its {@code field}); a body of another shape is no product. */
  private static JsonArray array(String body, String field) {
    try {
      Object parsed = field == null ? new JsonArray(body) : new JsonObject(body).getValue(field);
      return parsed instanceof JsonArray a ? a : new JsonArray();
    } catch (DecodeException | ClassCastException e) {
      return new JsonArray();
    }
  }
}
