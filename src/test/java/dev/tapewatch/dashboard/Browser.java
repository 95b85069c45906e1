package dev.tapewatch.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through its own chromedriver (nothing is downloaded: both executables are given
 * explicitly, so Selenium Manager has nothing to look up), with the page's console collected.
 */
public final class Browser implements AutoCloseable {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  /** Generous: the machine may be a loaded 2-core runner. */
  static final Duration WAIT = Duration.ofSeconds(15);
  /**
   * Selenium's DevTools bindings warn that none matches this chromium's version; the tests only send plain CDP
   * commands through chromedriver, which need none. Held here so that the setting is not collected.
   */
  private static final Logger DEVTOOLS_LOG = quiet("org.openqa.selenium.devtools");

  private final Path profile;
  private final ChromeDriverService service;
  final ChromeDriver driver;

  public Browser() throws IOException {
    profile = Files.createTempDirectory("tapewatch-chromium-");
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--window-size=1366,900", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  private static Logger quiet(String name) {
    Logger log = Logger.getLogger(name);
    log.setLevel(Level.SEVERE);
    return log;
  }

  /** Whether this machine can run the browser tests at all. */
  static boolean available() {
    return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
  }

  public void open(String url) {
    driver.get(url);
  }

  @SuppressWarnings("unchecked")
  public <T> T js(String script, Object... args) {
    return (T) ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs {@code script} with a callback as its last argument ({@code arguments[arguments.length - 1]}). */
  @SuppressWarnings("unchecked")
  <T> T jsAsync(String script, Object... args) {
    return (T) ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Waits until {@code condition} gives a non-null, non-false value, which it returns; fails naming {@code what}. */
  public <T> T await(String what, Supplier<T> condition) {
    return await(what, WAIT, condition);
  }

  <T> T await(String what, Duration timeout, Supplier<T> condition) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(150));
    wait.withMessage(() -> "waited " + timeout.toSeconds() + " s for: " + what);
    return wait.until(d -> condition.get());
  }

  /** The console entries since the last call (chromedriver hands each entry out once). */
  List<LogEntry> drainConsole() {
    return new ArrayList<>(driver.manage().logs().get(LogType.BROWSER).getAll());
  }

  /** Console errors (SEVERE) since the last call. */
  List<String> consoleErrors() {
    return drainConsole().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage).toList();
  }

  /**
   * A PNG of a {@code width} × {@code height} viewport (device metrics overridden, so the size is exact whatever
   * the window), and one of the whole page at that width; {@code whileThere} runs before the size is reset.
   */
  <T> T screenshots(Path dir, String name, int width, int height, boolean mobile, Supplier<T> whileThere)
      throws IOException {
    Files.createDirectories(dir);
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
        "deviceScaleFactor", 1, "mobile", mobile));
    try {
      // Let the page lay itself out (and the chart resize) at the new size.
      await("layout at " + width + " px", () -> {
        Long w = js("return window.innerWidth");
        return w != null && w == width ? Boolean.TRUE : null;
      });
      js("window.dispatchEvent(new Event('resize')); return null;");
      jsAsync("const done = arguments[arguments.length - 1];"
          + "requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));");
      write(dir.resolve(name + ".png"), driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png")));
      Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
      @SuppressWarnings("unchecked")
      Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
      double fullHeight = ((Number) content.get("height")).doubleValue();
      write(dir.resolve(name + "-full.png"), driver.executeCdpCommand("Page.captureScreenshot", Map.of(
          "format", "png", "captureBeyondViewport", true,
          "clip", Map.of("x", 0, "y", 0, "width", width, "height", Math.ceil(fullHeight), "scale", 1))));
      return whileThere.get();
    } finally {
      driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  private static void write(Path file, Map<String, Object> capture) throws IOException {
    Files.write(file, Base64.getDecoder().decode((String) capture.get("data")));
  }

  /**
   * Where the build writes: the parent of the test classes' directory ({@code target/} by default, or the
   * {@code tapewatch.buildDir} the build was run with).
   */
  static Path buildDir() {
    String configured = System.getProperty("tapewatch.buildDir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    try {
      Path classes = Path.of(Browser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return classes.getParent();
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("target");
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      // Best effort: the profile is a temporary directory anyway.
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        profile.toFile().deleteOnExit();
      }
    }
  }
}
