package dev.tapewatch.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.bus.Addresses;
import dev.tapewatch.support.TestDatabase;
import dev.tapewatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in Debian's headless chromium against the whole service on the simulator, with the real PostgreSQL.
 * One service, one browser and one database for the class; the browser reaches the service through a
 * {@link TcpProxy} so that a test can take the network away. Agents run only when a test asks (their timers are an
 * hour), so that the findings on the page are exactly the ones the tests made.
 */
@org.junit.jupiter.api.Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardTest {
  static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD", "ADA-USD");
  /** Tiles whose data comes from a symbol's endpoints (the run-now tile only after a run). */
  static final List<String> DATA_TILES = List.of("price", "momentum", "vwap", "rvol", "atr", "trend", "chart",
      "depth", "book", "findings", "scorecard", "calibration");
  static final String DASH = "—";
  static final List<String> TFS = List.of("1m", "5m", "15m");
  static final String CSV_HEADER = "ts_utc,id,agent,symbol,score,label,details";
  static final Map<String, String> QUIET_AGENTS = Map.of("TS_INTERVAL", "3600", "RVOL_INTERVAL_SEC", "3600",
      "CVD_INTERVAL_SEC", "3600", "NEW_TREND_INTERVAL_SEC", "3600", "REVERSAL_INTERVAL_SEC", "3600",
      "LIQ_INTERVAL_SEC", "3600", "BOOK_IMB_INTERVAL_SEC", "3600");

  private TestDatabase db;
  private Vertx vertx;
  private TestService svc;
  private TcpProxy proxy;
  private Browser browser;
  private String base;
  /** The agents of the service (each gives one run-now result per symbol). */
  private JsonArray agents;
  private long timedAgents;
  /** When the service had its first bars: findings scored from then on have a baseline by the scorecard tests. */
  private Instant started;

  @BeforeAll
  void start() throws Exception {
    assertTrue(Browser.available(), "the browser tests need " + Browser.CHROMIUM + " and " + Browser.CHROMEDRIVER
        + " (apt-get install chromium chromium-driver; .ci/run does)");
    db = new TestDatabase();
    vertx = Vertx.vertx();
    Map<String, String> env = new HashMap<>(QUIET_AGENTS);
    env.putAll(Map.of("DATABASE_URL", db.url(), "SIM_SEED", "7", "SYMBOL", String.join(",", SYMBOLS)));
    svc = TestService.start(vertx, env);
    svc.await("/health", h -> "ok".equals(h.getString("status")), 20_000);
    started = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    // Two trend readings for every symbol: every tile has data and every list has rows from the start.
    for (int i = 0; i < 2; i++) {
      assertEquals(200, runNow(svc, "?names=trend_score", null).statusCode());
    }
    agents = svc.json("/agents").getJsonArray("agents");
    // Run-now runs the timed agents; the LLM analyst runs on findings.
    timedAgents = agents.stream().filter(a -> !((JsonObject) a).getBoolean("needs_llm")).count();
    proxy = TcpProxy.start(vertx, svc.port());
    base = "http://127.0.0.1:" + proxy.port() + "/";
    browser = new Browser();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      try {
        if (vertx != null) {
          vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
      } finally {
        if (db != null) {
          db.close();
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private HttpResponse<Buffer> runNow(TestService service, String query, String token) throws Exception {
    var req = WebClient.create(service.vertx()).post(service.port(), "127.0.0.1", "/agents/run-now" + query);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.send().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The trend_score finding a run-now made for {@code symbol}. */
  private JsonObject trendFindingNow(String symbol) throws Exception {
    HttpResponse<Buffer> r = runNow(svc, "?names=trend_score&symbol=" + symbol, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getJsonObject("finding");
  }

  /** Opens the page on {@code symbol} (by its hash) with the refresh interval {@code interval} seconds. */
  private void openPage(String symbol, String interval) {
    browser.open(base + "#symbol=" + symbol);
    awaitReady(symbol);
    setInterval(interval);
  }

  /** Every data tile shows {@code symbol}'s data (badge from the response), none stale, the stream live. */
  private void awaitReady(String symbol) {
    browser.await("every tile showing " + symbol + " and the stream live; badges now " + badges(), () -> {
      Map<String, Object> b = badges();
      boolean all = DATA_TILES.stream().allMatch(t -> symbol.equals(b.get(t)));
      return all && staleTiles().isEmpty() && "live".equals(streamState()) ? Boolean.TRUE : null;
    });
  }

  private Map<String, Object> badges() {
    return browser.js("const out = {};"
        + "for (const t of document.querySelectorAll('.tile')) {"
        + "  const b = t.querySelector('.badge'); out[t.dataset.tile] = b.dataset.symbol || null; }"
        + "return out;");
  }

  private Map<String, Object> badgeTexts() {
    return browser.js("const out = {};"
        + "for (const t of document.querySelectorAll('.tile')) out[t.dataset.tile] = "
        + "t.querySelector('.badge').textContent;"
        + "return out;");
  }

  private List<Object> staleTiles() {
    return browser.js("return Array.from(document.querySelectorAll('.tile.stale')).map(t => t.dataset.tile);");
  }

  private String streamState() {
    return browser.js("return document.getElementById('stream-state').dataset.state;");
  }

  private void setInterval(String seconds) {
    new Select(browser.driver.findElement(By.id("refresh-interval"))).selectByValue(seconds);
  }

  /** Picks {@code symbol} in the selector as a user does: types it over the box's text and takes its match. */
  private void selectSymbol(String symbol) {
    WebElement box = browser.driver.findElement(By.id("symbol"));
    box.click();
    box.sendKeys(Keys.chord(Keys.CONTROL, "a"), symbol, Keys.ENTER);
  }

  /** The raw number behind a value cell (its data-value), null when it shows "—". */
  private Double value(String id) {
    String v = browser.js("return document.getElementById(arguments[0]).dataset.value ?? null;", id);
    return v == null || v.isEmpty() ? null : Double.valueOf(v);
  }

  private String text(String id) {
    return browser.driver.findElement(By.id(id)).getText().trim();
  }

  private long refreshes() {
    return ((Number) browser.js("return tapewatch.state.stats.refreshes;")).longValue();
  }

  /** Waits until the page has completed {@code n} more refreshes than now. */
  private void awaitRefreshes(int n) {
    long from = refreshes();
    browser.await(n + " more refreshes", Duration.ofSeconds(30), () -> refreshes() >= from + n ? Boolean.TRUE : null);
  }

  private List<String> rowIds() {
    return browser.js("return Array.from(document.querySelectorAll('#findings-list > li')).map(li => li.dataset.id);");
  }

  private void assertNoConsoleErrors() {
    assertEquals(List.of(), browser.consoleErrors(), "console errors");
  }

  private static boolean near(Double page, double expected, double tolerance) {
    return page != null && Math.abs(page - expected) <= tolerance;
  }

  // ------------------------------------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void pageLoadsWithoutConsoleErrorsAndShowsEveryPart() throws Exception {
    browser.open(base);
    browser.js("localStorage.clear(); sessionStorage.clear(); return null;");
    browser.open(base);
    awaitReady("BTC-USD");
    assertEquals("#symbol=BTC-USD", browser.js("return location.hash;"), "the first configured symbol by default");
    assertEquals("5", browser.driver.findElement(By.id("refresh-interval")).getAttribute("value"),
        "auto-refresh every 5 s by default");

    WebElement banner = browser.driver.findElement(By.id("feed-banner"));
    assertTrue(banner.isDisplayed(), "the simulator is announced");
    assertTrue(banner.getText().contains("Simulated data"), banner.getText());
    assertTrue(text("health-feed").contains("simulator"), text("health-feed"));
    browser.await("database ok", () -> "ok".equals(browser.js(
        "return document.getElementById('health-db').dataset.state;")) ? Boolean.TRUE : null);
    assertTrue(text("health-alerts").contains("off"), text("health-alerts"));
    assertEquals(Boolean.TRUE, browser.js("return document.getElementById('health-cluster').hidden;"),
        "no cluster chip on a single node");
    browser.await("the agents table", () -> ((Number) browser.js(
        "return document.querySelectorAll('#agents-table tbody tr').length;")).intValue() == agents.size()
        ? Boolean.TRUE : null);
    long disabled = agents.stream().filter(a -> "disabled".equals(((JsonObject) a).getString("status"))).count();
    String chip = text("health-agents");
    assertTrue(chip.contains((agents.size() - disabled) + " ok") && chip.contains(disabled + " disabled"), chip);

    for (String id : List.of("price-last", "price-bid", "price-ask", "trend-pup", "trend-p1m", "trend-p5m",
        "trend-p15m")) {
      assertNotNull(value(id), id + " has a value");
    }
    for (String tf : TFS) {
      for (String tile : List.of("mom", "vwap", "rvol", "atr")) {
        assertNotNull(value(tile + "-" + tf), tile + "-" + tf + " has a value");
      }
    }
    String page = browser.driver.findElement(By.tagName("body")).getText();
    for (String bad : List.of("NaN", "undefined", "null", "Infinity")) {
      assertFalse(page.contains(bad), "the page shows '" + bad + "'");
    }
    assertTrue(rowIds().size() >= 2, "the seeded findings are listed");

    // A refresh cycle at the default interval, still without an error.
    awaitRefreshes(1);
    assertNoConsoleErrors();
  }

  @Test
  @Order(2)
  void switchingTheSymbolChangesEveryBadgeAndValue() throws Exception {
    openPage("BTC-USD", "1");
    double btcPrice = value("price-last");
    double btcAtr = value("atr-15m");
    assertTrue(Pattern.matches("[0-9]{2,3},[0-9]{3}\\.[0-9]{2}", text("price-last")), text("price-last"));

    selectSymbol("ADA-USD");
    awaitReady("ADA-USD");
    assertEquals("#symbol=ADA-USD", browser.js("return location.hash;"));
    Map<String, Object> texts = badgeTexts();
    for (String tile : DATA_TILES) {
      assertEquals("ADA-USD", texts.get(tile), "badge of " + tile);
    }
    assertNotEquals("BTC-USD", texts.get("run"), "no tile keeps the previous symbol's badge");

    // Every value agrees with the endpoints for ADA (read in the same instant: the tape moves).
    JsonObject trend = svc.json("/findings?symbol=ADA-USD&agent=trend_score&limit=1").getJsonArray("findings")
        .getJsonObject(0);
    List<String> mismatches = new ArrayList<>();
    browser.await("tiles agreeing with /signals and /signals_tf of ADA-USD: " + mismatches, () -> {
      mismatches.clear();
      try {
        JsonObject s = svc.json("/signals?symbol=ADA-USD");
        JsonObject tf = svc.json("/signals_tf?symbol=ADA-USD");
        double last = s.getDouble("last_price");
        check(mismatches, "price-last", near(value("price-last"), last, last * 0.003));
        check(mismatches, "price-bid", near(value("price-bid"), s.getDouble("best_bid"), last * 0.003));
        check(mismatches, "price-ask", near(value("price-ask"), s.getDouble("best_ask"), last * 0.003));
        for (String t : TFS) {
          check(mismatches, "mom-" + t, near(value("mom-" + t), tf.getDouble("mom_bps_" + t), 15));
          check(mismatches, "vwap-" + t, near(value("vwap-" + t), tf.getDouble("px_vs_vwap_bps_" + t), 15));
          double rvol = tf.getDouble("rvol_" + t);
          check(mismatches, "rvol-" + t, near(value("rvol-" + t), rvol, 0.3 + 0.3 * rvol));
          double atr = tf.getDouble("atr_" + t);
          check(mismatches, "atr-" + t, near(value("atr-" + t), atr, 0.15 * atr));
        }
        return mismatches.isEmpty() ? Boolean.TRUE : null;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(trend.getJsonObject("details").getDouble("p_up"), value("trend-pup"), 1e-12);
    assertEquals(trend.getJsonObject("details").getDouble("p_1m"), value("trend-p1m"), 1e-12);
    assertEquals(trend.getJsonObject("details").getString("posture"),
        browser.js("return document.getElementById('trend-posture').dataset.value;"));
    String since = trend.getJsonObject("details").getString("posture_since");
    assertEquals(since == null ? "" : since,
        browser.js("return document.getElementById('trend-since').dataset.value;"), "since when, from the reading");

    double adaPrice = value("price-last");
    assertTrue(adaPrice > 0.05 && adaPrice < 5, "an ADA price: " + adaPrice);
    assertTrue(btcPrice / adaPrice > 1000, "the price changed with the symbol");
    assertTrue(value("atr-15m") < btcAtr / 1000, "the ATR changed with the symbol");
    assertTrue(Pattern.matches("0\\.[0-9]{4}", text("price-last")), "ADA-USD at 4 decimals: " + text("price-last"));
    assertTrue(Pattern.matches("0\\.[0-9]{4}", text("price-bid")), text("price-bid"));
    assertTrue(text("price-spread").matches("0\\.[0-9]{4}\\s*[0-9.]+ bps"), text("price-spread"));
    assertTrue(text("mom-1m").matches("[+-]?[0-9]+\\.[0-9] bps"), text("mom-1m"));
    assertTrue(text("rvol-5m").matches("[0-9]+\\.[0-9]{2}×"), text("rvol-5m"));

    // Quick switches: whatever answers arrive late, the page ends on the last symbol and stays there.
    selectSymbol("BTC-USD");
    selectSymbol("ETH-USD");
    selectSymbol("ADA-USD");
    selectSymbol("ETH-USD");
    awaitReady("ETH-USD");
    awaitRefreshes(2);
    Map<String, Object> after = badges();
    for (String tile : DATA_TILES) {
      assertEquals("ETH-USD", after.get(tile), "badge of " + tile + " after quick switches");
    }
    double ethPrice = value("price-last");
    assertTrue(ethPrice > 100 && ethPrice < 20_000, "an ETH price: " + ethPrice);
    List<Object> rowSymbols = browser.js("return Array.from(document.querySelectorAll('#findings-list > li'))"
        + ".map(li => tapewatch.state.findings.get(li.dataset.id).symbol);");
    assertFalse(rowSymbols.isEmpty());
    assertTrue(rowSymbols.stream().allMatch("ETH-USD"::equals), "the list holds ETH-USD's findings only");
    assertNoConsoleErrors();
  }

  private static void check(List<String> mismatches, String what, boolean ok) {
    if (!ok) {
      mismatches.add(what);
    }
  }

  @Test
  @Order(3)
  void lateAnswersForThePreviousSymbolAreDropped() {
    openPage("BTC-USD", "0");
    browser.await("the page idle", () -> browser.js("return tapewatch.state.refreshingFor === null;"));
    // Every BTC-USD request from now on is answered 2.5 s late.
    browser.js("window.__late = {sent: 0, answered: 0}; const real = window.fetch;"
        + "window.fetch = function (url, opts) {"
        + "  if (!String(url).includes('symbol=BTC-USD')) return real(url, opts);"
        + "  window.__late.sent++;"
        + "  return new Promise(r => setTimeout(r, 2500)).then(() => real(url, opts))"
        + "    .finally(() => { window.__late.answered++; }); };"
        + "return null;");
    long droppedBefore = ((Number) browser.js("return tapewatch.state.stats.staleDropped;")).longValue();
    browser.js("tapewatch.refreshNow(); return null;");
    selectSymbol("ETH-USD");
    awaitReady("ETH-USD");
    Map<String, Object> late = browser.await("the late BTC-USD answers", () -> {
      Map<String, Object> l = browser.js("return window.__late;");
      long sent = ((Number) l.get("sent")).longValue();
      return sent >= 4 && sent == ((Number) l.get("answered")).longValue() ? l : null;
    });
    // They came after ETH-USD was shown, and changed nothing.
    Map<String, Object> b = badges();
    for (String tile : DATA_TILES) {
      assertEquals("ETH-USD", b.get(tile), "badge of " + tile + " after late BTC-USD answers " + late);
    }
    assertTrue(staleTiles().isEmpty(), "stale tiles: " + staleTiles());
    double price = value("price-last");
    assertTrue(price > 100 && price < 20_000, "still an ETH price: " + price);
    assertEquals("ETH-USD", browser.js("return tapewatch.state.chartInfo.symbol;"));
    long dropped = ((Number) browser.js("return tapewatch.state.stats.staleDropped;")).longValue() - droppedBefore;
    assertTrue(dropped >= 4, "late answers dropped: " + dropped + " of " + late);
    assertNoConsoleErrors();
  }

  @Test
  @Order(4)
  void selectionSurvivesReload() {
    openPage("BTC-USD", "5");
    selectSymbol("ETH-USD");
    awaitReady("ETH-USD");

    browser.driver.navigate().refresh();
    awaitReady("ETH-USD");
    assertEquals("ETH-USD", browser.driver.findElement(By.id("symbol")).getAttribute("value"));
    assertEquals("#symbol=ETH-USD", browser.js("return location.hash;"));

    // Without the hash, localStorage remembers it.
    browser.open(base);
    awaitReady("ETH-USD");
    assertEquals("#symbol=ETH-USD", browser.js("return location.hash;"));

    // A link with a hash wins, in any case.
    browser.open(base + "#symbol=ada-usd");
    awaitReady("ADA-USD");
    assertEquals("ADA-USD", browser.driver.findElement(By.id("symbol")).getAttribute("value"));

    // Editing the hash switches too.
    browser.js("location.hash = '#symbol=BTC-USD'; return null;");
    awaitReady("BTC-USD");

    // An unknown symbol in the hash falls back to the remembered one and asks the server for nothing wrong.
    browser.open(base + "#symbol=DOGE-EUR");
    awaitReady("BTC-USD");
    assertNoConsoleErrors();
  }

  @Test
  @Order(5)
  void momentumOneMinuteMovesWithTheTape() {
    openPage("BTC-USD", "1");
    // The update time first: a refresh between the two reads then only makes the wait longer.
    long firstUpdate = momentumUpdatedMs();
    Double first = value("mom-1m");
    assertNotNull(first);
    browser.await("the 1m momentum tile to move from " + first + " in a later refresh", () -> {
      Double now = value("mom-1m");
      return now != null && !now.equals(first) && momentumUpdatedMs() > firstUpdate ? Boolean.TRUE : null;
    });
    assertTrue(text("mom-1m").matches("[+-]?[0-9]+\\.[0-9] bps"), text("mom-1m"));
    assertNoConsoleErrors();
  }

  private long momentumUpdatedMs() {
    return Long.parseLong(browser.js("return document.getElementById('tile-momentum').dataset.updatedMs;"));
  }

  @Test
  @Order(6)
  void aRunNowFindingAppearsLiveAtTheTopAndEarlierRowsStay() throws Exception {
    // Polling paused: the finding can only come through the live stream.
    openPage("BTC-USD", "0");
    List<String> before = rowIds();
    assertTrue(before.size() >= 2, "rows before: " + before);

    long t0 = System.nanoTime();
    JsonObject made = trendFindingNow("BTC-USD");
    String id = made.getString("id");
    browser.await("finding " + id + " at the top of the list", () -> {
      List<String> ids = rowIds();
      return !ids.isEmpty() && ids.get(0).equals(id) ? Boolean.TRUE : null;
    });
    long ms = (System.nanoTime() - t0) / 1_000_000;
    List<String> after = rowIds();
    assertEquals(before, after.subList(1, after.size()), "every earlier row stays, in its place");
    assertTrue(ms < 15_000, "arrived in " + ms + " ms");
    // The trend tile took the new reading in too.
    assertEquals(made.getJsonObject("details").getDouble("p_up"), value("trend-pup"), 1e-12);

    // The row opens onto its details.
    WebElement row = browser.driver.findElement(By.cssSelector("#findings-list > li:first-child"));
    assertEquals("trend_score", row.findElement(By.cssSelector(".f-agent")).getText());
    assertTrue(row.findElement(By.cssSelector(".f-time")).getText().matches("[0-9]{2}:[0-9]{2}:[0-9]{2}"));
    assertFalse(row.findElement(By.cssSelector(".f-details")).isDisplayed());
    row.findElement(By.tagName("summary")).click();
    WebElement details = row.findElement(By.cssSelector(".f-details"));
    assertTrue(details.isDisplayed());
    assertTrue(details.getText().contains("\"p_up\""), details.getText());

    // The same through the button: each agent's result inline, the finding in the list.
    browser.driver.findElement(By.id("run-now")).click();
    List<Map<String, Object>> results = browser.await("run-now results", () -> {
      List<Map<String, Object>> r = browser.js("return Array.from(document.querySelectorAll('#run-now-results li'))"
          + ".map(li => ({agent: li.dataset.agent, outcome: li.dataset.outcome, id: li.dataset.findingId || null,"
          + " text: li.textContent}));");
      return r.size() == timedAgents ? r : null;
    });
    Map<String, Object> trendResult = results.stream().filter(r -> "trend_score".equals(r.get("agent")))
        .findFirst().orElseThrow();
    assertEquals("finding", trendResult.get("outcome"), results.toString());
    assertEquals("disabled", results.stream().filter(r -> "macro_watch".equals(r.get("agent"))).findFirst()
        .orElseThrow().get("outcome"));
    assertEquals("BTC-USD", badges().get("run"));
    assertEquals("ok", browser.js("return document.getElementById('run-now-status').dataset.state;"));
    String buttonFinding = (String) trendResult.get("id");
    browser.await("the button's finding in the list", () -> rowIds().contains(buttonFinding) ? Boolean.TRUE : null);
    List<String> ids = rowIds();
    assertEquals(new HashSet<>(ids).size(), ids.size(), "each finding once, though it came twice (stream, run)");
    assertTrue(ids.containsAll(after), "earlier rows stay");
    assertNoConsoleErrors();
  }

  @Test
  @Order(7)
  void theChartRendersTheBars() throws Exception {
    openPage("BTC-USD", "1");
    Map<String, Object> chart = browser.await("the chart's bars", () -> browser.js(
        "const c = tapewatch.chart; if (!c) return null;"
            + "const o = c.getOption(); const info = tapewatch.state.chartInfo;"
            + "if (!info || o.series[0].data.length === 0) return null;"
            + "return {n: o.series[0].data.length, volumes: o.series[1].data.length, symbol: info.symbol,"
            + " lastTs: info.lastTs, secondLast: o.series[0].data[o.series[0].data.length - 2]};"));
    JsonArray bars = svc.json("/bars?symbol=BTC-USD&tf=1m&limit=120").getJsonArray("bars");
    assertEquals(bars.size(), ((Number) chart.get("n")).intValue(), "as many candles as /bars gives");
    assertEquals(bars.size(), ((Number) chart.get("volumes")).intValue(), "a volume bar per candle");
    assertEquals("BTC-USD", chart.get("symbol"));
    // The last complete candle is exactly the endpoint's bar of that minute: [open, close, low, high].
    int lastIndex = -1;
    for (int i = 0; i < bars.size(); i++) {
      if (bars.getJsonObject(i).getString("ts_utc").equals(chart.get("lastTs"))) {
        lastIndex = i;
      }
    }
    assertTrue(lastIndex >= 1, "the chart's last bar " + chart.get("lastTs") + " is one of /bars");
    JsonObject complete = bars.getJsonObject(lastIndex - 1);
    @SuppressWarnings("unchecked")
    List<Number> candle = (List<Number>) chart.get("secondLast");
    assertEquals(List.of(complete.getDouble("open"), complete.getDouble("close"), complete.getDouble("low"),
        complete.getDouble("high")), candle.stream().map(Number::doubleValue).toList());

    // Drawn: a canvas with a good deal of non-background pixels.
    Map<String, Object> canvas = browser.js("const c = document.querySelector('#chart canvas');"
        + "if (!c) return null;"
        + "const ctx = c.getContext('2d'); const d = ctx.getImageData(0, 0, c.width, c.height).data;"
        + "let painted = 0; const colours = new Set();"
        + "for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 0) { painted++; "
        + "colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]); } }"
        + "return {w: c.width, h: c.height, painted, colours: colours.size};");
    assertNotNull(canvas, "a canvas in #chart");
    assertTrue(((Number) canvas.get("w")).intValue() > 300 && ((Number) canvas.get("h")).intValue() > 200,
        canvas.toString());
    assertTrue(((Number) canvas.get("painted")).intValue() > 5000, canvas.toString());
    assertTrue(((Number) canvas.get("colours")).intValue() > 3, "up and down candles, axes: " + canvas);

    // Live: the newest candle follows the tape.
    browser.await("the chart's last close to follow /bars", () -> {
      try {
        JsonArray now = svc.json("/bars?symbol=BTC-USD&tf=1m&limit=2").getJsonArray("bars");
        JsonObject last = now.getJsonObject(now.size() - 1);
        Map<String, Object> info = browser.js("return tapewatch.state.chartInfo;");
        return last.getString("ts_utc").equals(info.get("lastTs"))
            && Math.abs(last.getDouble("close") - ((Number) info.get("lastClose")).doubleValue()) < 1e-9
            ? Boolean.TRUE : null;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertNoConsoleErrors();
  }

  /**
   * What the page drew of its own /book answer: the depth chart's series (cumulative quantity, price ascending), the
   * mid marked, and the book tile's values; null until the page has a book of {@code symbol}.
   */
  private Map<String, Object> drawnBook(String symbol) {
    return browser.js("const b = tapewatch.state.book; const c = tapewatch.depthChart;"
        + "if (!b || b.symbol !== arguments[0] || !c) return null;"
        + "const o = c.getOption(); const v = (id) => document.getElementById(id).dataset.value;"
        + "const imb = {};"
        + "for (const n of [1, 5, 10]) { const row = document.getElementById('book-imb-' + n);"
        + "  const fill = row.querySelector('.imb-fill');"
        + "  imb[n] = {value: row.querySelector('.imb-v').dataset.value, left: fill.style.left,"
        + "    width: fill.style.width, cls: fill.className}; }"
        + "return {book: b, bids: o.series[0].data, asks: o.series[1].data,"
        + " midLine: (o.series[0].markLine.data[0] || {}).xAxis ?? null,"
        + " mid: v('book-mid'), spread: v('book-spread'), micro: v('book-micro'), imb,"
        + " none: document.getElementById('book-none').hidden === false,"
        + " depthEmpty: document.getElementById('depth-empty').hidden === false,"
        + " midText: document.getElementById('book-mid').textContent};", symbol);
  }

  @SuppressWarnings("unchecked")
  private static List<List<Number>> levels(Object side) {
    return (List<List<Number>>) side;
  }

  /** The drawn chart and tile agree with the page's /book answer, which is a real book near the symbol's price. */
  @SuppressWarnings("unchecked")
  private void assertDrawsItsBook(Map<String, Object> drawn, String symbol, double lastPrice) {
    Map<String, Object> b = (Map<String, Object>) drawn.get("book");
    assertEquals("ok", b.get("book"));
    List<List<Number>> bids = levels(b.get("bids"));
    List<List<Number>> asks = levels(b.get("asks"));
    assertEquals(100, bids.size(), "the chart asks for 100 levels a side");
    assertEquals(100, asks.size());
    double bestBid = bids.get(0).get(0).doubleValue();
    double bestAsk = asks.get(0).get(0).doubleValue();
    double mid = ((Number) b.get("mid")).doubleValue();
    assertTrue(bestBid < mid && mid < bestAsk, b.toString());
    assertTrue(Math.abs(mid / lastPrice - 1) < 0.01, symbol + " mid " + mid + " near its last price " + lastPrice);
    // The chart: cumulative from the best outwards, price ascending on both sides.
    List<List<Number>> chartBids = levels(drawn.get("bids"));
    List<List<Number>> chartAsks = levels(drawn.get("asks"));
    double sum = 0;
    for (int i = 0; i < 100; i++) {
      sum += bids.get(i).get(1).doubleValue();
      assertEquals(bids.get(i).get(0).doubleValue(), chartBids.get(99 - i).get(0).doubleValue(), "bid price " + i);
      assertEquals(sum, chartBids.get(99 - i).get(1).doubleValue(), sum * 1e-12, "cumulative bids " + i);
    }
    sum = 0;
    for (int i = 0; i < 100; i++) {
      sum += asks.get(i).get(1).doubleValue();
      assertEquals(asks.get(i).get(0).doubleValue(), chartAsks.get(i).get(0).doubleValue(), "ask price " + i);
      assertEquals(sum, chartAsks.get(i).get(1).doubleValue(), sum * 1e-12, "cumulative asks " + i);
    }
    assertEquals(mid, ((Number) drawn.get("midLine")).doubleValue(), "the mid marked");
    // The tile.
    assertEquals(mid, Double.parseDouble((String) drawn.get("mid")));
    assertEquals(((Number) b.get("spread_bps")).doubleValue(), Double.parseDouble((String) drawn.get("spread")));
    double micro = ((Number) b.get("microprice")).doubleValue();
    assertEquals((micro - mid) / mid * 1e4, Double.parseDouble((String) drawn.get("micro")), 1e-9);
    Map<String, Map<String, Object>> imb = (Map<String, Map<String, Object>>) drawn.get("imb");
    for (String n : List.of("1", "5", "10")) {
      double v = ((Number) b.get("imbalance_" + n)).doubleValue();
      Map<String, Object> row = imb.get(n);
      assertEquals(v, Double.parseDouble((String) row.get("value")), "imbalance_" + n);
      double width = Double.parseDouble(((String) row.get("width")).replace("%", ""));
      double left = Double.parseDouble(((String) row.get("left")).replace("%", ""));
      assertEquals(Math.abs(v) * 50, width, 1e-3, "bar of imbalance_" + n + " (the browser keeps 4 decimals)");
      assertEquals(v < 0 ? 50 - width : 50, left, 1e-3, "bar of imbalance_" + n + " from the centre");
      assertEquals(v > 0 ? "imb-fill pos" : v < 0 ? "imb-fill neg" : "imb-fill", row.get("cls"));
    }
    assertEquals(Boolean.FALSE, drawn.get("none"));
    assertEquals(Boolean.FALSE, drawn.get("depthEmpty"));
  }

  @Test
  @Order(15)
  @SuppressWarnings("unchecked")
  void theDepthChartAndTheBookTileShowTheSelectedSymbolsBook() throws Exception {
    openPage("BTC-USD", "1");
    Map<String, Object> btc = browser.await("BTC-USD's book drawn", () -> drawnBook("BTC-USD"));
    assertDrawsItsBook(btc, "BTC-USD", svc.json("/signals?symbol=BTC-USD").getDouble("last_price"));
    assertTrue(((String) btc.get("midText")).matches("[0-9]{2,3},[0-9]{3}\\.[0-9]{3}"), (String) btc.get("midText"));
    double btcMid = ((Number) ((Map<String, Object>) btc.get("book")).get("mid")).doubleValue();
    // It follows the book: a later refresh draws a later answer.
    Object firstTs = ((Map<String, Object>) btc.get("book")).get("ts");
    browser.await("a later book drawn", () -> {
      Map<String, Object> d = drawnBook("BTC-USD");
      return d != null && !firstTs.equals(((Map<String, Object>) d.get("book")).get("ts")) ? d : null;
    });

    selectSymbol("ADA-USD");
    awaitReady("ADA-USD");
    Map<String, Object> ada = browser.await("ADA-USD's book drawn", () -> drawnBook("ADA-USD"));
    assertDrawsItsBook(ada, "ADA-USD", svc.json("/signals?symbol=ADA-USD").getDouble("last_price"));
    double adaMid = ((Number) ((Map<String, Object>) ada.get("book")).get("mid")).doubleValue();
    assertTrue(btcMid / adaMid > 1000, "the book changed with the symbol: " + btcMid + " then " + adaMid);
    assertTrue(((String) ada.get("midText")).matches("0\\.[0-9]{5}"), (String) ada.get("midText"));

    // A symbol without a book (its /book answers "none", with nulls) says so on both, and draws nothing.
    browser.js("const real = window.fetch; window.__realFetch = real;"
        + "window.fetch = function (url, opts) {"
        + "  if (!String(url).startsWith('/book')) return real(url, opts);"
        + "  const none = {symbol: 'ETH-USD', ts: null, bids: null, asks: null, mid: null, spread_bps: null,"
        + "    microprice: null, imbalance_1: null, imbalance_5: null, imbalance_10: null, depth_bps: null,"
        + "    book_age_ms: null, book: 'none'};"
        + "  return Promise.resolve(new Response(JSON.stringify(none),"
        + "    {status: 200, headers: {'Content-Type': 'application/json'}})); };"
        + "return null;");
    selectSymbol("ETH-USD");
    awaitReady("ETH-USD");
    Map<String, Object> none = browser.await("ETH-USD without a book", () -> {
      Map<String, Object> d = drawnBook("ETH-USD");
      return d != null && Boolean.TRUE.equals(d.get("none")) ? d : null;
    });
    assertEquals(Boolean.TRUE, none.get("depthEmpty"));
    assertEquals(List.of(), none.get("bids"));
    assertEquals(List.of(), none.get("asks"));
    assertEquals(DASH, text("book-mid"));
    assertEquals(DASH, text("book-spread"));
    assertEquals(DASH, browser.js("return document.querySelector('#book-imb-5 .imb-v').textContent;"));
    browser.js("window.fetch = window.__realFetch; return null;");
    assertNoConsoleErrors();
  }

  @Test
  @Order(8)
  void csvExportReturnsTheRowsOfTheWindow() throws Exception {
    openPage("BTC-USD", "5");
    WebElement link = browser.driver.findElement(By.id("csv-export"));
    assertEquals("3600", browser.driver.findElement(By.id("csv-window")).getAttribute("value"));
    String href = link.getAttribute("href");
    URI uri = URI.create(href);
    assertEquals("/findings.csv", uri.getPath());
    Map<String, String> params = new LinkedHashMap<>();
    for (String kv : uri.getRawQuery().split("&")) {
      String[] p = kv.split("=", 2);
      params.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    assertEquals("BTC-USD", params.get("symbol"));
    Instant since = Instant.parse(params.get("since"));
    Instant hourAgo = Instant.now().minusSeconds(3600);
    assertTrue(Math.abs(Duration.between(since, hourAgo).toSeconds()) < 60, "the last hour: " + since);
    assertTrue(link.getAttribute("download").endsWith(".csv"));

    String csv = browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));", href);
    List<String> lines = List.of(csv.split("\r?\n"));
    assertEquals(CSV_HEADER, lines.get(0));
    Set<String> csvIds = new HashSet<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", 5);
      assertEquals("BTC-USD", cells[3], line);
      csvIds.add(cells[1]);
    }
    JsonArray expected = svc.json("/findings?" + uri.getRawQuery().replace("+", "%2B"))
        .getJsonArray("findings");
    Set<String> expectedIds = new HashSet<>();
    expected.forEach(f -> expectedIds.add(((JsonObject) f).getString("id")));
    assertTrue(expectedIds.size() >= 2, "findings in the window: " + expectedIds);
    assertEquals(expectedIds, csvIds, "the CSV holds the window's findings of the symbol");
    assertTrue(csvIds.containsAll(rowIds()), "every listed finding (all made in the last hour) is exported");

    // The agent filter narrows the export as it narrows the list.
    new Select(browser.driver.findElement(By.id("agent-filter"))).selectByValue("trend_score");
    assertTrue(link.getAttribute("href").contains("agent=trend_score"), link.getAttribute("href"));
    new Select(browser.driver.findElement(By.id("csv-window"))).selectByValue("all");
    assertFalse(link.getAttribute("href").contains("since="), link.getAttribute("href"));
    new Select(browser.driver.findElement(By.id("csv-window"))).selectByValue("3600");
    new Select(browser.driver.findElement(By.id("agent-filter"))).selectByValue("");
    assertNoConsoleErrors();
  }

  @Test
  @Order(9)
  void aStoppedDatabaseShowsDownWithFindingsWaitingInTheOutboxAndRecovers() throws Exception {
    openPage("BTC-USD", "1");
    browser.await("database ok", () -> "ok".equals(dbState()) ? Boolean.TRUE : null);
    db.cutOff();
    try {
      String kept = trendFindingNow("BTC-USD").getString("id");
      browser.await("database shown down", () -> "down".equals(dbState()) ? Boolean.TRUE : null);
      String shown = text("health-db");
      assertTrue(shown.contains("down") && shown.contains("waiting in the outbox on disk"), shown);
      assertEquals("bad", browser.js("return document.getElementById('health-db').dataset.level;"));
      assertTrue(text("health-service").contains("degraded") || shown.contains("down"));
      browser.await("the finding made while the database is down in the list",
          () -> rowIds().contains(kept) ? Boolean.TRUE : null);
    } finally {
      db.reopen();
    }
    browser.await("database ok again", Duration.ofSeconds(40), () -> "ok".equals(dbState()) ? Boolean.TRUE : null);
    assertTrue(text("health-db").startsWith("Database") && text("health-db").contains("ok"), text("health-db"));
    assertNoConsoleErrors();
  }

  private String dbState() {
    return browser.js("return document.getElementById('health-db').dataset.state;");
  }

  @Test
  @Order(10)
  void aLostStreamShowsAsSuchAndReconnects() throws Exception {
    openPage("BTC-USD", "2");
    List<String> before = rowIds();
    proxy.cut();
    String duringOutage;
    try {
      browser.await("the stream shown as lost", () -> "reconnecting".equals(streamState()) ? Boolean.TRUE : null);
      assertTrue(text("stream-state").contains("reconnecting"), text("stream-state"));
      browser.await("the service shown unreachable", () -> browser.driver.findElement(By.id("connection-banner"))
          .isDisplayed() ? Boolean.TRUE : null);
      // Made while the browser cannot hear: it must show once the stream is back.
      duringOutage = trendFindingNow("BTC-USD").getString("id");
    } finally {
      proxy.restore();
    }
    browser.await("the stream live again", Duration.ofSeconds(40),
        () -> "live".equals(streamState()) ? Boolean.TRUE : null);
    browser.await("the finding made during the outage listed",
        () -> rowIds().contains(duringOutage) ? Boolean.TRUE : null);
    browser.await("the banner gone", () -> !browser.driver.findElement(By.id("connection-banner")).isDisplayed()
        ? Boolean.TRUE : null);
    assertTrue(rowIds().containsAll(before), "rows from before the outage stay");
    Number opens = browser.js("return tapewatch.state.stats.streamOpens;");
    assertTrue(opens.intValue() >= 2, "reopened: " + opens);

    // And the stream carries findings again.
    String after = trendFindingNow("BTC-USD").getString("id");
    browser.await("a finding after the reconnection at the top",
        () -> rowIds().get(0).equals(after) ? Boolean.TRUE : null);
    // The outage itself logs failed requests in the console; nothing else may.
    List<String> errors = browser.consoleErrors();
    assertTrue(errors.stream().allMatch(e -> e.contains("net::ERR_") || e.contains("Failed to fetch")
        || e.contains("Failed to load resource")), errors.toString());
  }

  @Test
  @Order(11)
  void runNowAsksForTheAdminTokenWhenTheServiceNeedsOne() throws Exception {
    String token = "dash-test-token-" + System.nanoTime();
    Vertx other = Vertx.vertx();
    try {
      Map<String, String> env = new HashMap<>(QUIET_AGENTS);
      env.putAll(Map.of("ADMIN_TOKEN", token, "SIM_SEED", "8", "SYMBOL", String.join(",", SYMBOLS)));
      TestService guarded = TestService.start(other, env);
      guarded.await("/health", h -> "ok".equals(h.getString("status")), 20_000);
      assertEquals(401, runNow(guarded, "?names=trend_score", null).statusCode());
      assertEquals(200, runNow(guarded, "?names=trend_score", token).statusCode());

      browser.open("http://127.0.0.1:" + guarded.port() + "/#symbol=ETH-USD");
      awaitReady("ETH-USD");
      browser.consoleErrors();
      WebElement form = browser.driver.findElement(By.id("token-form"));
      assertFalse(form.isDisplayed());
      browser.driver.findElement(By.id("run-now")).click();
      browser.await("the token asked for", () -> form.isDisplayed() ? Boolean.TRUE : null);
      assertTrue(text("run-now-status").contains("admin token needed"), text("run-now-status"));

      // A wrong token is refused and asked again.
      browser.driver.findElement(By.id("admin-token")).sendKeys("wrong-token");
      browser.driver.findElement(By.id("admin-token-submit")).click();
      browser.await("the wrong token refused", () -> form.isDisplayed()
          && text("token-message").contains("refused") ? Boolean.TRUE : null);

      browser.driver.findElement(By.id("admin-token")).sendKeys(token);
      browser.driver.findElement(By.id("admin-token-submit")).click();
      List<Map<String, Object>> results = browser.await("run-now results with the token", () -> {
        List<Map<String, Object>> r = browser.js("return Array.from(document.querySelectorAll("
            + "'#run-now-results li')).map(li => ({agent: li.dataset.agent, outcome: li.dataset.outcome,"
            + " id: li.dataset.findingId || null}));");
        return r.size() == timedAgents ? r : null;
      });
      assertFalse(form.isDisplayed());
      String id = (String) results.stream().filter(r -> "trend_score".equals(r.get("agent"))).findFirst()
          .orElseThrow().get("id");
      assertNotNull(id, results.toString());
      browser.await("the run's finding listed", () -> rowIds().contains(id) ? Boolean.TRUE : null);
      assertEquals("ETH-USD", badges().get("run"));
      assertEquals(token, browser.js("return sessionStorage.getItem('tapewatch.adminToken');"));

      // Kept for the session: the next run does not ask.
      browser.driver.findElement(By.id("run-now")).click();
      browser.await("a second run", () -> ((String) browser.js(
          "return document.getElementById('run-now-status').textContent;")).startsWith("ran " + timedAgents + " agents")
          && !id.equals(browser.js("return document.querySelector('#run-now-results li[data-agent=trend_score]')"
          + ".dataset.findingId;")) ? Boolean.TRUE : null);
      assertFalse(form.isDisplayed());

      List<String> errors = browser.consoleErrors();
      assertEquals(2, errors.size(), "the two refused requests, nothing else: " + errors);
      assertTrue(errors.stream().allMatch(e -> e.contains("401")), errors.toString());
    } finally {
      browser.open("about:blank");
      other.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------------------------------------ scorecard

  /** The configured outcome horizons, in order. */
  private List<String> horizons() throws Exception {
    return svc.json("/scorecard").getJsonArray("horizons").stream().map(String.class::cast).toList();
  }

  /** A finding as the store hears it (as ScorecardEndpointTest publishes it), its outcomes owed; its id. */
  private String publishFinding(String symbol, String agent, String label, double score, Instant ts)
      throws Exception {
    String id = UUID.randomUUID().toString();
    JsonObject owed = new JsonObject();
    horizons().forEach(owed::putNull);
    vertx.eventBus().publish(Addresses.FINDINGS, new JsonObject().put("id", id)
        .put("ts_utc", ts.toString()).put("agent", agent)
        .put("symbol", symbol).put("score", score).put("label", label).put("details", new JsonObject())
        .put("ref_price", 100.0).put("outcomes", owed));
    return id;
  }

  /** An outcome as the symbol's owner resolves it: made durable by the store, then published. */
  private void publishOutcome(String id, String symbol, String agent, String horizon, JsonObject outcome) {
    JsonObject resolved = new JsonObject().put("id", id).put("symbol", symbol).put("agent", agent)
        .put("horizon", horizon).put("outcome", outcome);
    vertx.eventBus().request(Addresses.STORE_OUTCOMES_APPEND, resolved)
        .onSuccess(durable -> vertx.eventBus().publish(Addresses.FINDING_OUTCOMES, resolved));
  }

  private static JsonObject resolved(double retBps, Boolean hit) {
    return new JsonObject().put("price", 100.0 * (1 + retBps / 10_000)).put("ret_bps", retBps).put("hit", hit);
  }

  /** A finding made when the service started, with each of {@code outcomes} (horizon → outcome) resolved. */
  private String scored(String symbol, String agent, String label, double score, Map<String, JsonObject> outcomes)
      throws Exception {
    String id = publishFinding(symbol, agent, label, score, started);
    outcomes.forEach((h, o) -> publishOutcome(id, symbol, agent, h, o));
    return id;
  }

  /** The page's numbers, as the README's "Numbers" define them. */
  private static String percent(double x) {
    return String.valueOf(Math.round(x * 100));
  }

  private static String bps(Double x) {
    if (x == null) {
      return DASH;
    }
    String abs = String.format(Locale.US, "%,.1f", Math.abs(x));
    return (abs.equals("0.0") ? "" : x > 0 ? "+" : "-") + abs + " bps";
  }

  /**
   * What the scorecard table must show of {@code rows} of {@code of}: per "agent|label|horizon", the hit rate with
   * its interval, n and the edge; a horizon without a row shows "—".
   */
  private static Map<String, List<String>> expectedCells(JsonObject scorecard, String of) {
    List<JsonObject> rows = scorecard.getJsonArray("rows").stream().map(JsonObject.class::cast)
        .filter(r -> of.equals(r.getString("symbol"))).toList();
    Map<String, List<String>> cells = new LinkedHashMap<>();
    for (JsonObject r : rows) {
      String pair = r.getString("agent") + "|" + r.getString("label") + "|";
      for (Object h : scorecard.getJsonArray("horizons")) {
        cells.putIfAbsent(pair + h, List.of(DASH));
      }
      Double rate = r.getDouble("hit_rate");
      JsonArray ci = r.getJsonArray("hit_rate_ci95");
      String hit = rate == null ? DASH : percent(rate) + "%"
          + (ci == null ? "" : " (" + percent(ci.getDouble(0)) + "–" + percent(ci.getDouble(1)) + ")");
      cells.put(pair + r.getString("horizon"), List.of(hit, "n " + r.getInteger("n"), bps(r.getDouble("edge_bps"))));
    }
    return cells;
  }

  /** The scorecard table's cells, per "agent|label|horizon": [hit rate, n, edge], or ["—"] for an empty one. */
  private static final String PAGE_CELLS = """
      const out = {};
      for (const tr of document.querySelectorAll('#scorecard-table tbody tr')) {
        for (const td of tr.querySelectorAll('td')) {
          const parts = ['.sc-hit', '.sc-n', '.sc-edge'].map((c) => td.querySelector(c)?.textContent);
          out[[tr.dataset.agent, tr.dataset.label, td.dataset.horizon].join('|')]
            = parts[0] === undefined ? [td.textContent] : parts;
        }
      }
      return out;""";

  private Map<String, Object> pageCells() {
    return browser.js(PAGE_CELLS);
  }

  /**
   * Waits until the table shows exactly the rows of {@code path}'s answer for {@code of}, both read anew each time:
   * the agents' own findings get verdicts as the tape runs, and the page asks at most every 30 s.
   */
  private Map<String, List<String>> awaitScorecard(String path, String of) {
    List<Object> last = new ArrayList<>();
    return browser.await("the scorecard table showing " + of + " of " + path + ": " + last, Duration.ofSeconds(75),
        () -> {
          try {
            Map<String, List<String>> expected = expectedCells(svc.json(path), of);
            Map<String, Object> shown = pageCells();
            last.clear();
            last.add(shown);
            last.add(expected);
            return !expected.isEmpty() && expected.equals(shown) ? expected : null;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  @Order(12)
  void theScorecardShowsTheRowsOfTheSymbolOrOfAllSymbols() throws Exception {
    List<String> hs = horizons();
    String first = hs.get(0);
    String second = hs.get(1);
    scored("ADA-USD", "reversal", "reversal_up", 1, Map.of(first, resolved(12.5, true), second, resolved(-3, false)));
    scored("ADA-USD", "reversal", "reversal_up", 1, Map.of(first, resolved(-4, false)));
    // A label without a direction: no hit rate, no edge.
    scored("ADA-USD", "rvol_spike", "rvol_spike", 3.2, Map.of(first, resolved(7, null)));
    // Another symbol's: only in the all-symbols rows.
    scored("ETH-USD", "reversal", "reversal_down", 1, Map.of(first, resolved(-20, true)));
    svc.await("/scorecard?symbol=ADA-USD", s -> s.getJsonArray("rows").stream().anyMatch(r ->
        "rvol_spike".equals(((JsonObject) r).getString("agent"))), 10_000);
    svc.await("/scorecard", s -> s.getJsonArray("rows").stream().anyMatch(r ->
        "reversal_down".equals(((JsonObject) r).getString("label"))), 10_000);

    openPage("ADA-USD", "1");
    assertEquals("ADA-USD", badgeTexts().get("scorecard"));
    Map<String, List<String>> ada = awaitScorecard("/scorecard?symbol=ADA-USD", "ADA-USD");
    assertEquals(List.of(DASH, "n 1", DASH), ada.get("rvol_spike|rvol_spike|" + first), "nulls show as —");
    assertEquals(List.of(DASH), ada.get("rvol_spike|rvol_spike|" + second), "no verdict yet at " + second);
    assertTrue(ada.get("reversal|reversal_up|" + first).get(0).startsWith("50% ("), ada.toString());
    assertFalse(ada.keySet().stream().anyMatch(k -> k.contains("reversal_down")), "no ETH-USD row: " + ada.keySet());
    List<Object> miscoloured = browser.js("return Array.from(document.querySelectorAll('#scorecard-table .sc-edge'))"
        + ".filter(e => e.classList.contains('pos') !== e.textContent.startsWith('+')"
        + "  || e.classList.contains('neg') !== e.textContent.startsWith('-')).map(e => e.textContent);");
    assertEquals(List.of(), miscoloured, "each edge coloured by its sign");
    browser.driver.findElement(By.cssSelector("#scorecard-scope [data-scope='*']")).click();
    Map<String, List<String>> all = awaitScorecard("/scorecard", "*");
    assertTrue(all.containsKey("reversal|reversal_down|" + first), "the other symbol's rows pooled: " + all.keySet());
    assertEquals("true", browser.driver.findElement(By.cssSelector("#scorecard-scope [data-scope='*']"))
        .getAttribute("aria-pressed"));
    assertEquals("ADA-USD", badgeTexts().get("scorecard"));

    browser.driver.findElement(By.cssSelector("#scorecard-scope [data-scope='symbol']")).click();
    awaitScorecard("/scorecard?symbol=ADA-USD", "ADA-USD");
    assertNoConsoleErrors();
  }

  @Test
  @Order(13)
  void theCalibrationChartPlotsTheBucketsOfTheChosenHorizon() throws Exception {
    List<String> hs = horizons();
    for (double[] p : new double[][] {{0.72, 8}, {0.78, -5}, {0.31, -6}, {0.55, 2}}) {
      boolean up = p[0] > 0.5;
      scored("ADA-USD", "trend_score", "trend_score", p[0], Map.of(hs.get(0), resolved(p[1], up == (p[1] > 0)),
          hs.get(1), resolved(-p[1], up == (p[1] < 0))));
    }
    svc.await("/scorecard/calibration?symbol=ADA-USD&horizon=" + hs.get(1), c -> c.getInteger("n") >= 4, 10_000);
    // A page of its own: the test before left one on ADA-USD, where a new hash is no navigation, and that page
    // asked for the calibration without these findings less than its 30 s ago.
    browser.open("about:blank");
    openPage("ADA-USD", "1");
    assertEquals(hs, browser.js("return Array.from(document.querySelectorAll('#calibration-horizon option'))"
        + ".map(o => o.value);"), "a horizon to choose from each configured one");
    awaitCalibration(hs.get(0));

    new Select(browser.driver.findElement(By.id("calibration-horizon"))).selectByValue(hs.get(1));
    JsonObject c = awaitCalibration(hs.get(1));
    String text = text("calibration-text");
    assertTrue(text.contains("Brier " + String.format(Locale.US, "%.3f", c.getDouble("brier")))
        && text.contains("n " + c.getInteger("n")) && text.contains(" at " + hs.get(1)), text);
    assertEquals("ADA-USD", badgeTexts().get("calibration"));
    assertNoConsoleErrors();
  }

  /** Waits until the chart plots, per bucket, [mean_p, up_rate] of /scorecard/calibration at {@code horizon}. */
  private JsonObject awaitCalibration(String horizon) {
    List<Object> last = new ArrayList<>();
    return browser.await("the calibration chart of " + horizon + ": " + last, Duration.ofSeconds(75), () -> {
      try {
        JsonObject c = svc.json("/scorecard/calibration?symbol=ADA-USD&horizon=" + horizon);
        List<Object> expected = new ArrayList<>();
        for (Object b : c.getJsonArray("buckets")) {
          JsonObject bucket = (JsonObject) b;
          expected.add(java.util.Arrays.asList(bucket.getDouble("mean_p"), bucket.getDouble("up_rate")));
        }
        List<Object> shown = browser.js("const c = tapewatch.calibrationChart;"
            + "const info = tapewatch.state.calibration;"
            + "if (!c || !info || info.horizon !== arguments[0]) return null;"
            + "return c.getOption().series[0].data.map(p => p.map(v => v === null ? null : Number(v)));", horizon);
        last.clear();
        last.add(shown);
        last.add(expected);
        return shown != null && numbersEqual(expected, shown) ? c : null;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static boolean numbersEqual(List<Object> expected, List<Object> shown) {
    if (expected.size() != shown.size()) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      List<?> e = (List<?>) expected.get(i);
      List<?> s = (List<?>) shown.get(i);
      for (int k = 0; k < 2; k++) {
        Object a = e.get(k);
        Object b = s.get(k);
        if (a == null ? b != null : b == null || ((Number) a).doubleValue() != ((Number) b).doubleValue()) {
          return false;
        }
      }
    }
    return true;
  }

  private Map<String, Object> chips(String id) {
    return browser.js("const li = document.querySelector('#findings-list > li[data-id=\"' + arguments[0] + '\"]');"
        + "if (!li) return null; const out = {};"
        + "for (const c of li.querySelectorAll('.oc')) out[c.dataset.horizon] = c.dataset.state + ' ' + c.textContent;"
        + "return out;", id);
  }

  @Test
  @Order(14)
  void anOutcomeOnTheBusTurnsItsChipWithoutARefresh() throws Exception {
    // Polling paused: the verdicts can only come through the live stream.
    openPage("BTC-USD", "0");
    List<String> hs = horizons();
    String id = publishFinding("BTC-USD", "reversal", "reversal_up", 1, Instant.now());
    String flat = publishFinding("BTC-USD", "rvol_spike", "rvol_spike", 3.4, Instant.now());
    Map<String, Object> pending = browser.await("the finding's chips", () -> {
      Map<String, Object> c = chips(id);
      return c != null && c.size() == hs.size() ? c : null;
    });
    for (String h : hs) {
      assertEquals("pending " + h, pending.get(h), "pending at " + h);
    }
    browser.js("document.querySelector('#findings-list > li[data-id=\"' + arguments[0] + '\"]').__before = true;"
        + "return null;", id);
    long refreshesBefore = refreshes();

    publishOutcome(id, "BTC-USD", "reversal", hs.get(0), resolved(12.5, true));
    browser.await("a hit at " + hs.get(0), () -> ("hit " + hs.get(0) + " ✓ +12.5 bps").equals(chips(id).get(hs.get(0)))
        ? Boolean.TRUE : null);
    publishOutcome(id, "BTC-USD", "reversal", hs.get(1), resolved(-3, false));
    browser.await("a miss at " + hs.get(1), () -> ("miss " + hs.get(1) + " ✗ -3.0 bps").equals(
        chips(id).get(hs.get(1))) ? Boolean.TRUE : null);
    publishOutcome(id, "BTC-USD", "reversal", hs.get(2), new JsonObject().put("missed", true));
    browser.await("missed at " + hs.get(2), () -> ("missed " + hs.get(2) + " missed").equals(chips(id).get(hs.get(2)))
        ? Boolean.TRUE : null);
    publishOutcome(flat, "BTC-USD", "rvol_spike", hs.get(0), resolved(7, null));
    browser.await("the return alone without a direction", () -> {
      Map<String, Object> c = chips(flat);
      return c != null && ("neutral " + hs.get(0) + " +7.0 bps").equals(c.get(hs.get(0))) ? Boolean.TRUE : null;
    });

    Map<String, Object> now = chips(id);
    assertEquals("pending " + hs.get(3), now.get(hs.get(3)), "the other horizons still pending");
    assertEquals(Boolean.TRUE, browser.js("return document.querySelector('#findings-list > li[data-id=\"'"
        + " + arguments[0] + '\"]').__before === true;", id), "the same row, changed in place");
    assertEquals(refreshesBefore, refreshes(), "no refresh meanwhile");
    assertEquals(Boolean.TRUE, browser.js(
        "return tapewatch.state.findings.get(arguments[0]).outcomes[arguments[1]].hit;", id, hs.get(0)),
        "the verdict kept in the state");
    assertNoConsoleErrors();
  }

  @Test
  @Order(20)
  void readableAtLaptopAndPhoneWidthWithScreenshots() throws Exception {
    openPage("BTC-USD", "5");
    // The same page as the test before (only its hash changed): it keeps that test's scroll.
    browser.js("window.scrollTo(0, 0); return null;");
    browser.driver.findElement(By.id("run-now")).click();
    browser.await("run-now results", () -> ((Number) browser.js(
        "return document.querySelectorAll('#run-now-results li').length;")).intValue() == timedAgents
        ? Boolean.TRUE : null);
    browser.driver.findElement(By.cssSelector("#findings-list > li:first-child summary")).click();
    Path dir = Browser.buildDir().resolve("screenshots");

    Map<String, Object> laptop = browser.screenshots(dir, "dashboard-laptop-1366x900", 1366, 900, false,
        this::layout);
    assertTrue(((Number) laptop.get("overflow")).intValue() <= 0, "no sideways scrolling at 1366 px: " + laptop);
    assertTrue(((Number) laptop.get("sideLeft")).doubleValue() >= ((Number) laptop.get("marketRight")).doubleValue(),
        "findings beside the market at laptop width: " + laptop);
    assertTrue(((Number) laptop.get("chartTop")).doubleValue() < 900, "the chart starts above the fold: " + laptop);

    Map<String, Object> phone = browser.screenshots(dir, "dashboard-phone-390x844", 390, 844, true, this::layout);
    assertTrue(((Number) phone.get("overflow")).intValue() <= 0, "no sideways scrolling at 390 px: " + phone);
    assertTrue(((Number) phone.get("widest")).doubleValue() <= 390, "every tile fits the phone: " + phone);
    assertTrue(((Number) phone.get("sideTop")).doubleValue() >= ((Number) phone.get("marketBottom")).doubleValue(),
        "findings below the market on a phone: " + phone);

    for (String name : List.of("dashboard-laptop-1366x900", "dashboard-phone-390x844")) {
      assertTrue(Files.size(dir.resolve(name + ".png")) > 20_000, name + " is a real picture");
      assertTrue(Files.size(dir.resolve(name + "-full.png")) > 20_000, name + "-full is a real picture");
    }
    assertNoConsoleErrors();
  }

  /** Where the main parts are, measured while the viewport override is still in effect. */
  private Map<String, Object> layout() {
    return browser.js("const r = (sel) => document.querySelector(sel).getBoundingClientRect();"
        + "const market = r('.market'), side = r('.side'), chart = r('#tile-chart');"
        + "let widest = 0;"
        + "for (const t of document.querySelectorAll('.tile')) widest = Math.max(widest,"
        + "  t.getBoundingClientRect().right);"
        + "return {overflow: document.documentElement.scrollWidth - window.innerWidth, sideLeft: side.left,"
        + " marketRight: market.right, sideTop: side.top, marketBottom: market.bottom,"
        + " chartTop: chart.top + window.scrollY, widest};");
  }
}
