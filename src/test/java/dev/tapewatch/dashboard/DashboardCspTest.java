package dev.tapewatch.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.support.TestService;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard under the Content-Security-Policy the service sends: a script, style or request the policy blocks is
 * a console error in chromium, so the page, its chart and the chart's tooltip (which ECharts styles inline) must all
 * draw without one.
 */
@Tag("browser")
class DashboardCspTest {

  @Test
  void thePageItsChartAndTheChartTooltipDrawUnderThePolicy() throws Exception {
    assertTrue(Browser.available(), "the browser tests need " + Browser.CHROMIUM + " and " + Browser.CHROMEDRIVER);
    Vertx vertx = Vertx.vertx();
    try (Browser browser = new Browser()) {
      TestService svc = TestService.start(vertx, Map.of("SIM_SEED", "3"));
      browser.open("http://127.0.0.1:" + svc.port() + "/");
      browser.await("the chart drawn", () -> browser.js("const c = window.tapewatch && window.tapewatch.chart;"
          + " return !!(c && c.getOption().series.length) || null;"));
      // The pointer moves on every look: a refresh of the page may redraw the chart under a pointer at rest.
      int[] moves = {0};
      browser.await("the chart's tooltip filled", () -> {
        WebElement chart = browser.driver.findElement(By.id("chart"));
        new Actions(browser.driver).moveToElement(chart, 100 + 20 * (moves[0]++ % 2), 0).perform();
        return browser.js("const tip = document.querySelector('#chart > div:last-child');"
            + " return (tip && tip.innerHTML !== '') || null;");
      });
      assertEquals(List.of(), browser.consoleErrors(), "console errors under the policy");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
