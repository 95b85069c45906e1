package dev.tapewatch.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.ServiceProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

/**
 * The symbol selector of a node serving 400 symbols, in Debian's headless chromium against the service on the
 * simulator, run as its own process: a combobox searched by typing that never draws more than {@link #SHOWN} options.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SymbolSearchTest {
  /** BTC-USD and ETH-USD, then S000-USD to S397-USD. */
  static final List<String> SYMBOLS = Stream.concat(Stream.of("BTC-USD", "ETH-USD"),
      IntStream.range(0, 398).mapToObj(i -> String.format(Locale.ROOT, "S%03d-USD", i))).toList();
  /** The most options the list draws (SHOWN in webroot/js/symbol.js). */
  static final int SHOWN = 50;

  private ServiceProcess svc;
  private Browser browser;
  private String base;

  @BeforeAll
  void start() throws Exception {
    assertTrue(Browser.available(), "the browser tests need " + Browser.CHROMIUM + " and " + Browser.CHROMEDRIVER);
    assertEquals(400, SYMBOLS.size());
    Map<String, String> env = new HashMap<>(DashboardTest.QUIET_AGENTS);
    env.putAll(Map.of("SIM_SEED", "11", "TRADES_MAX", "1000", "SYMBOL", String.join(",", SYMBOLS)));
    // A process of its own: 400 symbols take longer to come up than an in-process TestService waits for.
    Path log = Files.createDirectories(Browser.buildDir().resolve("service-logs")).resolve("symbol-search.log");
    svc = ServiceProcess.start(env, log);
    svc.await("/health", r -> r.statusCode() == 200 && "ok".equals(new JsonObject(r.body()).getString("status")),
        180_000);
    base = "http://127.0.0.1:" + svc.port() + "/";
    browser = new Browser();
  }

  /** The browser, then the service: each closed even when the other fails, and skipped when it was never made. */
  @AfterAll
  void stop() throws Exception {
    try (ServiceProcess service = svc; Browser closedFirst = browser) {
      // The closing is all there is to do.
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /**
   * Opens the page (on {@code hash}, or on what it remembers when null) and waits until it shows {@code symbol}'s
   * prices; from then on the page keeps the most options its list ever held in {@code window.__mostOptions}.
   */
  private void openPage(String hash, String symbol) {
    browser.open(base + (hash == null ? "" : "#symbol=" + hash));
    awaitShowing(symbol);
    browser.js("window.__mostOptions = 0;"
        + "const list = document.getElementById('symbol-list');"
        + "new MutationObserver(() => { window.__mostOptions = Math.max(window.__mostOptions,"
        + "  list.querySelectorAll('[role=\"option\"]').length); })"
        + ".observe(list, {childList: true, subtree: true});"
        + "return null;");
  }

  /** The page has selected {@code symbol} and its price tile holds that symbol's /signals answer. */
  private void awaitShowing(String symbol) {
    browser.await("the page on " + symbol, () -> browser.js(
        "const s = window.tapewatch && tapewatch.state;"
            + "return !!s && s.symbol === arguments[0] && s.signals?.symbol === arguments[0]"
            + " && document.querySelector('[data-testid=\"badge-price\"]').dataset.symbol === arguments[0]"
            + " && !document.getElementById('tile-price').classList.contains('stale') || null;", symbol));
  }

  private WebElement box() {
    return browser.driver.findElement(By.id("symbol"));
  }

  /** Types {@code text} over what the box holds. */
  private void type(String text) {
    box().sendKeys(Keys.chord(Keys.CONTROL, "a"), text);
  }

  /** What the popup offers: {expanded, shown, groups: [[heading, options…]…] or [[options…]], note, active}. */
  private static final String OFFERED = """
      const box = document.getElementById('symbol');
      const list = document.getElementById('symbol-list');
      const values = (el) => Array.from(el.querySelectorAll('[role="option"]')).map((o) => o.dataset.value);
      const groups = list.querySelector('[role="group"]')
        ? Array.from(list.querySelectorAll('[role="group"]')).map((g) => [g.getAttribute('aria-label'), ...values(g)])
        : [values(list)];
      const id = box.getAttribute('aria-activedescendant');
      const active = id && document.getElementById(id);
      return {expanded: box.getAttribute('aria-expanded'), shown: !document.getElementById('symbol-popup').hidden,
        groups, note: document.getElementById('symbol-note').textContent,
        active: active && active.getAttribute('role') === 'option' && active.getAttribute('aria-selected') === 'true'
          ? active.dataset.value : null};""";

  private Map<String, Object> offered() {
    return browser.js(OFFERED);
  }

  /** Waits until the open popup offers exactly {@code groups} with {@code note} and {@code active}; returns it. */
  private Map<String, Object> awaitOffer(String what, List<List<String>> groups, String note, String active) {
    Map<String, Object> expected = new HashMap<>();
    expected.put("expanded", "true");
    expected.put("shown", true);
    expected.put("groups", groups);
    expected.put("note", note);
    expected.put("active", active);
    try {
      return browser.await(what, () -> {
        Map<String, Object> now = offered();
        return expected.equals(now) ? now : null;
      });
    } catch (TimeoutException e) {
      assertEquals(expected, offered(), what);
      throw e;
    }
  }

  private void awaitClosedOn(String symbol) {
    browser.await("the list closed, the box showing " + symbol, () -> {
      Map<String, Object> now = offered();
      return "false".equals(now.get("expanded")) && Boolean.FALSE.equals(now.get("shown"))
          && symbol.equals(box().getAttribute("value")) ? Boolean.TRUE : null;
    });
  }

  private static List<String> symbols(int from, int toInclusive) {
    return IntStream.rangeClosed(from, toInclusive).mapToObj(i -> String.format(Locale.ROOT, "S%03d-USD", i))
        .toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  private void assertBoundAndNoConsoleErrors() {
    long most = ((Number) browser.js("return window.__mostOptions;")).longValue();
    assertTrue(most > 0 && most <= SHOWN, "the list held at most " + SHOWN + " options, not " + most);
    assertEquals(List.of(), browser.consoleErrors(), "console errors");
  }

  // ------------------------------------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void typingNarrowsTheFourHundredSymbolsToTheMatchesAndUnknownTextSelectsNothing() {
    browser.open(base);
    browser.js("localStorage.clear(); return null;");
    openPage(null, "BTC-USD");
    WebElement box = box();
    assertEquals("combobox", box.getAttribute("role"));
    assertEquals("symbol-list", box.getAttribute("aria-controls"));
    assertEquals("listbox", browser.driver.findElement(By.id("symbol-list")).getAttribute("role"));
    awaitClosedOn("BTC-USD");

    // Before anything is typed: the recent pick (the first configured symbol), then the others, up to the bound.
    box.click();
    awaitOffer("the list before typing", List.of(List.of("recent", "BTC-USD"),
        concat(List.of("all symbols", "ETH-USD"), symbols(0, 47))), "350 more — keep typing", null);

    type("s01");
    awaitOffer("the matches of s01", List.of(symbols(10, 19)), "", "S010-USD");
    type("S3");
    awaitOffer("the first matches of S3", List.of(symbols(300, 349)), "48 more — keep typing", "S300-USD");
    type("usd");
    awaitOffer("the first matches of usd", List.of(concat(List.of("BTC-USD", "ETH-USD"), symbols(0, 47))),
        "350 more — keep typing", "BTC-USD");
    type("eth");
    awaitOffer("the match of eth", List.of(List.of("ETH-USD")), "", "ETH-USD");

    type("doge");
    awaitOffer("no match for doge", List.of(List.of()), "No symbol matches “doge”", null);
    box.sendKeys(Keys.ENTER);
    assertEquals("BTC-USD", browser.js("return tapewatch.state.symbol;"), "Enter on no match selects nothing");
    assertEquals("true", box.getAttribute("aria-expanded"), "the list stays open to type on");

    box.sendKeys(Keys.ESCAPE);
    awaitClosedOn("BTC-USD");
    assertEquals("BTC-USD", browser.js("return tapewatch.state.symbol;"));
    assertEquals("#symbol=BTC-USD", browser.js("return location.hash;"));
    assertBoundAndNoConsoleErrors();
  }

  @Test
  @Order(2)
  void theArrowsAndEnterPickASymbolAndThePageFollowsIt() throws Exception {
    openPage("BTC-USD", "BTC-USD");
    type("s01");
    awaitOffer("the matches of s01", List.of(symbols(10, 19)), "", "S010-USD");
    WebElement box = box();
    box.sendKeys(Keys.ARROW_DOWN, Keys.ARROW_DOWN);
    awaitOffer("two down", List.of(symbols(10, 19)), "", "S012-USD");
    box.sendKeys(Keys.ARROW_UP);
    awaitOffer("one up", List.of(symbols(10, 19)), "", "S011-USD");
    box.sendKeys(Keys.ENTER);

    awaitShowing("S011-USD");
    awaitClosedOn("S011-USD");
    assertEquals("#symbol=S011-USD", browser.js("return location.hash;"));
    assertEquals("S011-USD · tapewatch", browser.driver.getTitle());
    double last = new JsonObject(svc.get("/signals?symbol=S011-USD").body()).getDouble("last_price");
    Double shown = browser.js("const v = document.getElementById('price-last').dataset.value;"
        + "return v ? Number(v) : null;");
    assertNotNull(shown, "S011-USD's last price shown");
    assertTrue(Math.abs(shown / last - 1) < 0.01, "S011-USD's price " + shown + " near /signals' " + last);

    // Escape leaves the selection alone and gives the box back its symbol.
    type("eth");
    awaitOffer("the match of eth", List.of(List.of("ETH-USD")), "", "ETH-USD");
    box.sendKeys(Keys.ESCAPE);
    awaitClosedOn("S011-USD");
    assertEquals("S011-USD", browser.js("return tapewatch.state.symbol;"));

    // Reopened empty, the list starts with the picks, newest first.
    box.click();
    awaitOffer("the recent picks", List.of(List.of("recent", "S011-USD", "BTC-USD"),
        concat(List.of("all symbols", "ETH-USD"), symbols(0, 47).stream().filter(s -> !s.equals("S011-USD"))
            .toList())), "350 more — keep typing", null);
    box.sendKeys(Keys.ESCAPE);
    awaitClosedOn("S011-USD");
    assertBoundAndNoConsoleErrors();
  }

  @Test
  @Order(3)
  void aClickPicksAndTheChoiceAndThePicksSurviveAReload() {
    openPage("S011-USD", "S011-USD");
    type("s39");
    awaitOffer("the matches of s39", List.of(symbols(390, 397)), "", "S390-USD");
    browser.driver.findElement(By.id("symbol-option-S395-USD")).click();
    awaitShowing("S395-USD");
    awaitClosedOn("S395-USD");

    browser.open(base);
    awaitShowing("S395-USD");
    assertEquals("#symbol=S395-USD", browser.js("return location.hash;"), "the stored choice, without a hash");
    awaitClosedOn("S395-USD");
    box().click();
    awaitOffer("the picks kept", List.of(List.of("recent", "S395-USD", "S011-USD", "BTC-USD"),
        concat(List.of("all symbols", "ETH-USD"), symbols(0, 46).stream().filter(s -> !s.equals("S011-USD"))
            .toList())), "350 more — keep typing", null);
    // Tabbing away chooses nothing either.
    type("s2");
    box().sendKeys(Keys.TAB);
    awaitClosedOn("S395-USD");
    assertEquals("S395-USD", browser.js("return tapewatch.state.symbol;"));
    assertEquals(List.of(), browser.consoleErrors(), "console errors");
  }
}
