package dev.tapewatch.bench;

import dev.tapewatch.BacktestCommand;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.feed.AdvancedTradeMessage;
import dev.tapewatch.feed.AdvancedTradeMessageParser;
import dev.tapewatch.feed.CoinbaseMessageParser;
import dev.tapewatch.feed.FeedMessage;
import dev.tapewatch.market.OrderBook;
import dev.tapewatch.store.StoreBench;
import dev.tapewatch.support.TestDatabase;
import dev.tapewatch.tape.BookUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.HdrHistogram.Histogram;

/**
 * The tapewatch benchmark (not a test): parse-only baseline, unpaced end-to-end replay, paced replay latency (also
 * with every agent's findings going through the outbox, against the same in memory), the HTTP rate of /signals_tf
 * against a bare Vert.x route, the findings write rate through the outbox against the repository's batched insert
 * on PostgreSQL and SQLite, price levels per second through parse and order book against parse alone, the findings
 * stream's fan-out to thousands of clients against ten, and the findings endpoints over a million stored findings
 * against ten thousand, printed as one table with the targets. Run it with
 * <pre>
 * mvn -q -B test-compile exec:java \
 *     -Dexec.mainClass=dev.tapewatch.bench.Benchmark -Dexec.classpathScope=test [-Dexec.args="trades=2000000 ..."]
 * </pre>
 * Arguments ({@code name=value}, all optional): trades (1000000), symbols (4), seed (42), e2eRuns (3), pacedRate
 * (10000), pacedSeconds (25), wrkThreads (1), wrkConnections (32), wrkSeconds (10), wrkWarmupSeconds (3), wrkRounds
 * (2), skipHttp (false), keepTapes (false), fuzzLines (1000000 lines of {@link ParserFuzz} from the same seed; 0
 * skips it), findings (50000 written to each store by each path; 0 skips them), manySymbols (400: row 3b's paced
 * tape spreads the same pace over that many made-up symbols; 0 skips it), manyTradesMax (TRADES_MAX for row 3b; the
 * service's default when not given), pacedWarmupSeconds (5: rows 3 and 3b also report the latencies after that
 * start of the replay, its steady part), sseClients (2000 clients of the findings stream; 0 skips row 11), sseEvents
 * (100 findings announced to them a phase), storedFindings (1000000 in PostgreSQL for row 12; 0 skips it),
 * storedQueries (200 of each request there), agentCycle (true: row 13, every agent's run over the simulator's 400
 * USD products against 4 majors), rows (a comma list of the rows to run, with those they are measured against; all
 * when absent).
 *
 * <p>The machine may be shared (concurrent builds on 2 cores distort every figure), so each measured sample waits
 * briefly for the machine to be quiet and reports where the CPU went ({@link CpuAccount}); a sample during which other
 * processes used more than {@value CpuAccount#NOISY_CORES} of a core is marked noisy, repeated (up to twice; the
 * 25 s paced run and the store runs once) and left out of the figure when clean samples exist; the table notes a
 * figure with none. While the benchmark writes to PostgreSQL, the server's processes count as its own work.
 * wrk is only ever pointed at 127.0.0.1 and the bare server binds there.
 */
public final class Benchmark {
  static final double TARGET_E2E_TRADES_PER_S = 250_000;
  static final double TARGET_E2E_VS_BASELINE = 0.8;
  static final double TARGET_PACED_P99_US = 1000;
  static final double TARGET_PACED_P999_US = 1000;
  static final int PARSE_WARMUP_PASSES_MAX = 10;
  /** Replays before the measured ones of row 2: the first still ran the service's code half compiled. */
  static final int E2E_WARMUP_RUNS = 2;
  static final double TARGET_HTTP_VS_BARE = 0.8;
  static final String TARGET_HTTP_VS_BARE_TEXT = ">= 0.80x bare";
  /** Several times what cryptofeed's C order book applies on this machine class (about 490,000 levels/s). */
  static final double TARGET_BOOK_LEVELS_PER_S = 3 * 490_000;
  static final int BOOK_BENCH_DEPTH = 1000;
  static final int BOOK_BENCH_REPEATS = 20;
  static final Path ADVANCED_CAPTURE = Path.of("..", "shared", "data", "coinbase_advtrade_ws_capture_2026-08-09.jsonl.gz");
  static final List<String> ADVANCED_CAPTURE_PRODUCTS = List.of("BTC-USD", "ETH-USD");
  static final Path EXCHANGE_CAPTURE = Path.of("..", "shared", "data",
      "coinbase_exchange_wsfeed_capture_2021-04-17.log.gz");
  static final List<String> EXCHANGE_CAPTURE_PRODUCTS = List.of("SKL-USD", "SKL-BTC", "BAND-GBP", "NMR-EUR",
      "BAND-BTC", "YFI-BTC", "DASH-BTC", "NU-GBP", "CRV-EUR", "SKL-GBP");
  private static final int EXTRA_ATTEMPTS = 2;
  private static final List<String> ARGS = List.of("trades", "symbols", "seed", "e2eRuns", "pacedRate",
      "pacedSeconds", "wrkThreads", "wrkConnections", "wrkSeconds", "wrkWarmupSeconds", "wrkRounds", "skipHttp",
      "keepTapes", "fuzzLines", "findings", "rows", "sseClients", "sseEvents", "storedFindings", "storedQueries",
      "manySymbols", "manyTradesMax", "pacedWarmupSeconds", "agentCycle");
  private static final long QUIET_BUDGET_MS = 60_000;
  private static final long QUIET_WAIT_MAX_MS = 15_000;

  private final Map<String, String> args;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> verdicts = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private long quietBudgetMs = QUIET_BUDGET_MS;

  private Benchmark(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      String name = eq <= 0 ? "" : a.substring(0, eq).replaceFirst("^--", "");
      if (!ARGS.contains(name)) {
        throw new IllegalArgumentException("benchmark arguments are name=value with name one of " + ARGS + "; got '"
            + a + "'");
      }
      args.put(name, a.substring(eq + 1));
    }
    new Benchmark(args).run();
  }

  private long arg(String name, long dflt) {
    String v = args.get(name);
    return v == null ? dflt : Long.parseLong(v.replace("_", ""));
  }

  /** Whether {@code rows=} (a comma list of row numbers; every row when absent) asks for any of {@code numbers}. */
  private boolean wanted(int... numbers) {
    String list = args.get("rows");
    if (list == null) {
      return true;
    }
    List<String> asked = List.of(list.split(","));
    return Arrays.stream(numbers).anyMatch(n -> asked.contains(Integer.toString(n)));
  }

  private boolean flag(String name) {
    return Boolean.parseBoolean(args.getOrDefault(name, "false"));
  }

  /** One measured sample and what the machine's CPU did meanwhile. */
  record Sample<T>(T value, CpuAccount.Usage cpu) {
  }

  @FunctionalInterface
  interface Measurement<T> {
    T run(int attempt) throws Exception;
  }

  /**
   * Takes {@code wanted} samples, each after waiting (from a budget of {@link #QUIET_BUDGET_MS} for the whole run)
   * for the machine to be quiet, repeating a noisy one (other processes busy) up to {@code extra} times; returns the
   * clean samples, or every sample (and a note) when none was clean.
   */
  private <T> List<Sample<T>> samples(String what, int wanted, int extra, Measurement<T> m) throws Exception {
    return samples(what, wanted, extra, false, m);
  }

  /** The same, with {@code postgres} the PostgreSQL server's processes counted as the sample's own. */
  private <T> List<Sample<T>> samples(String what, int wanted, int extra, boolean postgres, Measurement<T> m)
      throws Exception {
    List<Sample<T>> clean = new ArrayList<>();
    List<Sample<T>> all = new ArrayList<>();
    int attempt = 0;
    while (clean.size() < wanted && attempt < wanted + extra) {
      attempt++;
      awaitQuiet();
      CpuAccount acct = postgres ? CpuAccount.withPostgres() : CpuAccount.start();
      T v = m.run(attempt);
      CpuAccount.Usage usage = acct.stop();
      if (v instanceof Noisy n && n.noisy() && !usage.noisy()) {
        usage = n.usage();
      }
      Sample<T> s = new Sample<>(v, usage);
      System.out.println("    " + s.cpu());
      all.add(s);
      if (!s.cpu().noisy()) {
        clean.add(s);
      }
    }
    if (clean.isEmpty()) {
      notes.add(what + ": every sample was taken while other processes used CPU; the figure is pessimistic");
      return all;
    }
    if (clean.size() < all.size()) {
      System.out.println("    (" + (all.size() - clean.size()) + " noisy sample(s) of " + what + " left out)");
    }
    return clean;
  }

  private <T> List<Sample<T>> samples(String what, int wanted, Measurement<T> m) throws Exception {
    return samples(what, wanted, EXTRA_ATTEMPTS, m);
  }

  /** A measurement whose value knows better whether it was disturbed (e.g. one of its parts was). */
  interface Noisy {
    boolean noisy();

    CpuAccount.Usage usage();
  }

  private void awaitQuiet() throws InterruptedException {
    if (quietBudgetMs <= 0) {
      return;
    }
    long waited = CpuAccount.waitForQuiet(Math.min(quietBudgetMs, QUIET_WAIT_MAX_MS));
    quietBudgetMs -= waited;
    if (waited >= 1000) {
      System.out.printf(Locale.ROOT, "    (waited %.1f s for other processes to go quiet)%n", waited / 1000.0);
    }
  }

  private void run() throws Exception {
    long started = System.nanoTime();
    long trades = arg("trades", 1_000_000);
    int symbolCount = (int) arg("symbols", 4);
    long seed = arg("seed", 42);
    int e2eRuns = (int) Math.max(1, arg("e2eRuns", 3));
    long pacedRate = arg("pacedRate", 10_000);
    long pacedSeconds = arg("pacedSeconds", 25);
    WrkRunner wrk = new WrkRunner((int) arg("wrkThreads", 1), (int) arg("wrkConnections", 32),
        (int) arg("wrkSeconds", 10));
    int wrkWarmup = (int) arg("wrkWarmupSeconds", 3);
    int wrkRounds = (int) Math.max(1, arg("wrkRounds", 2));
    boolean keep = flag("keepTapes");
    List<String> symbols = TapeGenerator.symbols(symbolCount);

    Optional<String> wrkVersion = flag("skipHttp") ? Optional.empty() : WrkRunner.version();
    printMachine(wrkVersion);

    Path dir = Files.createTempDirectory("tapewatch-bench-");
    Path tapePath = dir.resolve("tape-unpaced.ndjson");
    Path pacedPath = dir.resolve("tape-paced.ndjson");
    try {
      TapeGenerator.Tape tape = null;
      if (wanted(1, 2, 4, 6)) {
        long t0 = System.nanoTime();
        tape = TapeGenerator.write(tapePath, trades, symbolCount, seed, 0, 4000, true);
        System.out.printf(Locale.ROOT, "tape: %,d match messages, %s, %.1f MB, seed %d, written in %.1f s -> %s%n",
            tape.messages(), tape.tradesPerSymbol(), tape.bytes() / 1e6, seed, (System.nanoTime() - t0) / 1e9,
            tapePath);
        System.out.println("  first line: " + tape.lines().get(0));
        double baseline = wanted(1, 2, 6) ? parseBaseline(tape.lines(), symbols) : 0;
        tape = new TapeGenerator.Tape(tape.path(), tape.messages(), tape.bytes(), tape.tradesPerSymbol(), null);
        System.gc();

        if (wanted(2, 6)) {
          double replayRate = endToEnd(tape, symbols, e2eRuns, baseline);
          System.gc();

          if (wanted(6)) {
            backtest(tape, symbols, dir, replayRate);
            System.gc();
          }
        }
      }

      if (wanted(3, 9)) {
        TapeGenerator.Tape pacedTape = paced(pacedPath, symbolCount, seed + 1, pacedRate, pacedSeconds, symbols);
        System.gc();

        if (wanted(3)) {
          pacedManySymbols(dir.resolve("tape-paced-many.ndjson"), (int) arg("manySymbols", 400), seed + 2, pacedRate,
              pacedSeconds, args.get("manyTradesMax"));
          System.gc();
        }

        if (wanted(9)) {
          pacedWithFindings(pacedTape, pacedRate, pacedSeconds, symbols, dir);
          System.gc();
        }
      }

      if (wanted(4)) {
        http(tape, symbols, wrkVersion, wrk, wrkWarmup, wrkRounds);
      }
    } finally {
      if (!keep) {
        Files.deleteIfExists(tapePath);
        Files.deleteIfExists(pacedPath);
        Files.deleteIfExists(dir);
      } else {
        System.out.println("tapes kept in " + dir);
      }
    }

    if (wanted(5)) {
      fuzz(arg("fuzzLines", 1_000_000), seed);
      System.gc();
    }

    if (wanted(7, 8)) {
      findingsWriteRate((int) arg("findings", 50_000), symbols);
    }

    if (wanted(10)) {
      CoinbaseMessageParser exchange = new CoinbaseMessageParser(EXCHANGE_CAPTURE_PRODUCTS);
      book("Exchange capture level2", exchangeLevel2(), line -> exchange.parse(line)
          instanceof FeedMessage.BookMessage b ? List.of(b.update()) : List.of());
      AdvancedTradeMessageParser advanced = new AdvancedTradeMessageParser(ADVANCED_CAPTURE_PRODUCTS);
      book("Advanced Trade capture l2_data", advancedLevel2(), line -> advanced.parse(line)
          instanceof AdvancedTradeMessage.Books b ? b.books().stream()
          .filter(FeedMessage.BookMessage.class::isInstance).map(m -> ((FeedMessage.BookMessage) m).update())
          .toList() : List.of());
    }

    if (wanted(11)) {
      sseFanOut((int) arg("sseClients", 2000), (int) arg("sseEvents", 100), symbols, seed);
      System.gc();
    }

    if (wanted(12)) {
      storedFindings(arg("storedFindings", 1_000_000), (int) arg("storedQueries", 200), symbols, seed);
      System.gc();
    }

    if (wanted(13)) {
      agentCycle();
    }

    System.out.println();
    printTable();
    System.out.printf(Locale.ROOT, "%nwhole benchmark: %.0f s%n", (System.nanoTime() - started) / 1e9);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static void printMachine(Optional<String> wrkVersion) {
    System.out.println("== tapewatch benchmark ==");
    System.out.println("machine: nproc=" + Runtime.getRuntime().availableProcessors() + ", cpu=" + cpuModel()
        + ", max heap=" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, load average "
        + ThreadCpu.loadAverage());
    System.out.println("java -version: " + javaVersion());
    System.out.println("vert.x " + Optional.ofNullable(Vertx.class.getPackage().getImplementationVersion())
        .orElse("(version not in manifest)") + ", wrk: " + wrkVersion.orElse("not installed"));
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static String javaVersion() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try {
      Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return String.join(" | ", out.strip().lines().toList());
    } catch (IOException | InterruptedException e) {
      return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }
  }

  // ---- 1 ----------------------------------------------------------------------------------------------------------

  /**
   * Messages per second of {@link CoinbaseMessageParser#parse} alone: warm-up passes until one is within 5% of the
   * one before (at most {@value #PARSE_WARMUP_PASSES_MAX}), then the median of 3. Two fixed passes were not enough:
   * the three measured ones still rose from 432,000 to 635,000 msg/s, which made the ratio of row 2 a measure of how
   * far the JIT had got.
   */
  private double parseBaseline(List<String> lines, List<String> symbols) throws Exception {
    CoinbaseMessageParser parser = new CoinbaseMessageParser(symbols);
    String[] all = lines.toArray(new String[0]);
    double previous = 0;
    for (int pass = 1; pass <= PARSE_WARMUP_PASSES_MAX; pass++) {
      long t = System.nanoTime();
      parsePass(parser, all);
      double rate = all.length / ((System.nanoTime() - t) / 1e9);
      System.out.printf(Locale.ROOT, "1 parse-only warm-up pass %d: %,.0f msg/s%n", pass, rate);
      if (pass >= 2 && Math.abs(rate - previous) <= 0.05 * previous) {
        break;
      }
      previous = rate;
    }
    List<Sample<Double>> passes = samples("parse-only baseline", 3, attempt -> {
      long t = System.nanoTime();
      long parsed = parsePass(parser, all);
      double rate = all.length / ((System.nanoTime() - t) / 1e9);
      if (parsed != all.length) {
        throw new IllegalStateException("the parser read only " + parsed + " of " + all.length + " lines as trades");
      }
      System.out.printf(Locale.ROOT, "1 parse-only pass %d: %,.0f msg/s%n", attempt, rate);
      return rate;
    });
    double median = median(passes.stream().map(Sample::value).toList());
    System.out.printf(Locale.ROOT, "1 parse-only: median %,.0f msg/s%n", median);
    row("1 parse-only baseline (1 thread, lines in memory)", fmtRate(median, "msg/s"), "", "");
    return median;
  }

  private static long parsePass(CoinbaseMessageParser parser, String[] lines) {
    long trades = 0;
    for (String line : lines) {
      if (parser.parse(line) instanceof FeedMessage.TradeMessage) {
        trades++;
      }
    }
    return trades;
  }

  // ---- 2 ----------------------------------------------------------------------------------------------------------

  /**
   * {@value #E2E_WARMUP_RUNS} warm-up replays, then {@code runs} measured ones, each on a fresh Vert.x; the median run
   * is reported. Returns the median run's trades per second, the replay-only rate the backtest is judged against. */
  private double endToEnd(TapeGenerator.Tape tape, List<String> symbols, int runs, double baseline)
      throws Exception {
    long timeout = 300_000;
    for (int warmup = 1; warmup <= E2E_WARMUP_RUNS; warmup++) {
      try (ReplayRun warm = ReplayRun.start(tape.path(), symbols, 0)) {
        ReplayRun.Result r = warm.awaitApplied(tape.tradesPerSymbol(), 50, timeout);
        System.out.printf(Locale.ROOT, "2 e2e warm-up %d: %,.0f trades/s (%.2f s)%n", warmup, r.tradesPerSecond(),
            r.seconds());
      }
    }
    System.gc();
    List<Sample<ReplayRun.Result>> results = samples("end to end", runs, attempt -> {
      ThreadCpu threads = ThreadCpu.start();
      ReplayRun.Result r;
      String busy;
      try (ReplayRun run = ReplayRun.start(tape.path(), symbols, 0)) {
        r = run.awaitApplied(tape.tradesPerSymbol(), 50, timeout);
        busy = threads.top(6);
      }
      System.out.printf(Locale.ROOT,
          "2 e2e run %d: %,.0f trades/s (all applied %.2f s after replay start, feed done at %.2f s); latency us"
              + " worst symbol p50 %.0f p99 %.0f p99.9 %.0f max %.0f; applied %,d; feed malformed %d%n",
          attempt, r.tradesPerSecond(), r.seconds(), r.feedSeconds(), r.worstLatencyUs("p50"),
          r.worstLatencyUs("p99"), r.worstLatencyUs("p999"), r.worstLatencyUs("max"), r.latencyCount(),
          r.feedStatus() == null ? -1 : r.feedStatus().getLong("malformed_total", -1L));
      System.out.println("    threads " + busy);
      for (var e : r.statuses().entrySet()) {
        System.out.println("    " + e.getKey() + " " + e.getValue().getJsonObject("latency_us").encode()
            + " bars " + e.getValue().getJsonObject("bars").encode());
      }
      System.gc();
      return r;
    });
    List<ReplayRun.Result> sorted = new ArrayList<>(results.stream().map(Sample::value).toList());
    sorted.sort(Comparator.comparingDouble(ReplayRun.Result::tradesPerSecond));
    ReplayRun.Result median = sorted.get(sorted.size() / 2);
    double rate = median.tradesPerSecond();
    double ratio = rate / baseline;
    row("2 end to end, REPLAY_SPEED=0 (median of " + sorted.size() + ")", fmtRate(rate, "trades/s"),
        ">= 250,000 trades/s", met(rate >= TARGET_E2E_TRADES_PER_S));
    row("  e2e / parse-only baseline", String.format(Locale.ROOT, "%.3fx", ratio), ">= 0.80x",
        met(ratio >= TARGET_E2E_VS_BASELINE));
    row("  latency p50 / p99 / p99.9 (worst symbol)", latencies(median), "", "");
    return rate;
  }

  // ---- 6 ----------------------------------------------------------------------------------------------------------

  /**
   * The backtest command on the same tape, in this process: every agent on the tape clock, the replay held at each
   * tick until they have run, outcomes resolved; judged against the replay alone of the same run.
   */
  private void backtest(TapeGenerator.Tape tape, List<String> symbols, Path dir, double replayRate)
      throws Exception {
    Path out = dir.resolve("backtest");
    long start = System.nanoTime();
    // The symbols given, as the replay rows are: no pass over the tape to find its products.
    int findings = BacktestCommand.run(List.of(tape.path().toString(), "--out", out.toString()),
        Map.of("SYMBOL", String.join(",", symbols)),
        new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream())).size();
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = tape.messages() / seconds;
    System.out.printf(Locale.ROOT, "6 backtest: %,.0f trades/s (%.2f s, %,d findings)%n", rate, seconds, findings);
    for (String f : List.of("findings.ndjson", "scorecard.json")) {
      Files.deleteIfExists(out.resolve(f));
    }
    Files.deleteIfExists(out);
    row("6 backtest, every agent on the tape clock", fmtRate(rate, "trades/s"), "", "");
    row("  backtest / replay only", String.format(Locale.ROOT, "%.3fx", rate / replayRate), ">= 0.50x",
        met(rate / replayRate >= 0.5));
  }

  // ---- 3 ----------------------------------------------------------------------------------------------------------

  /** Writes the paced tape and replays it at REPLAY_SPEED=1; returns the tape, which row 9 replays again. */
  private TapeGenerator.Tape paced(Path path, int symbolCount, long seed, long rate, long seconds,
      List<String> symbols) throws Exception {
    TapeGenerator.Tape tape = pacedTape(path, symbolCount, seed, rate, seconds);
    ReplayRun.Result r = pacedSample("3", "paced", tape, seconds, symbols, Map.of());
    pacedRows(symbolCount, rate, seconds, "3 paced " + String.format(Locale.ROOT, "%,d", rate) + " trades/s, REPLAY_SPEED=1 (" + symbolCount
        + " symbols, " + seconds + " s)", r);
    return tape;
  }

  /**
   * Row 3b: the same pace spread over {@code symbolCount} made-up symbols (0 skips it), with {@code tradesMax} as
   * TRADES_MAX when given. The tape is deleted afterwards.
   */
  private void pacedManySymbols(Path path, int symbolCount, long seed, long rate, long seconds, String tradesMax)
      throws Exception {
    if (symbolCount <= 0) {
      System.out.println("3b paced, many symbols: skipped (manySymbols=0)");
      row("3b paced, many symbols", "skipped", "", "");
      return;
    }
    try {
      TapeGenerator.Tape tape = pacedTape(path, symbolCount, seed, rate, seconds);
      ReplayRun.Result r = pacedSample("3b", "paced, many symbols", tape, seconds, tape.symbols(),
          tradesMax == null ? Map.of() : Map.of("TRADES_MAX", tradesMax));
      pacedRows(symbolCount, rate, seconds, "3b the same over " + symbolCount + " symbols" + (tradesMax == null ? ""
          : ", TRADES_MAX=" + tradesMax), r);
    } finally {
      Files.deleteIfExists(path);
    }
  }

  private static TapeGenerator.Tape pacedTape(Path path, int symbolCount, long seed, long rate, long seconds)
      throws IOException {
    long messages = rate * seconds;
    long gapMicros = 1_000_000L / rate;
    TapeGenerator.Tape tape = TapeGenerator.write(path, messages, symbolCount, seed, gapMicros, gapMicros, false);
    System.out.printf(Locale.ROOT, "paced tape: %,d matches over %d symbols %d us apart (%,d trades/s for %d s)%n",
        messages, symbolCount, gapMicros, rate, seconds);
    return tape;
  }

  /**
   * One paced replay after an unmeasured one (a second when the first was noisy), the least disturbed one, its
   * latency histograms printed: the whole replay's and its steady part's, after the first {@code pacedWarmupSeconds}.
   */
  private ReplayRun.Result pacedSample(String number, String what, TapeGenerator.Tape tape, long seconds,
      List<String> symbols, Map<String, String> overrides) throws Exception {
    long warmupMillis = 1000 * arg("pacedWarmupSeconds", 5);
    // A whole replay first, unmeasured, as row 2 does: in the first one the JIT was still compiling the service's
    // code, on the same two cores, well past any warm-up window.
    pacedRun(number + " paced warm-up replay", tape, seconds, symbols, overrides, run -> {
    });
    List<Sample<ReplayRun.Result>> results = samples(what, 1, 1, attempt -> pacedRun(number + " paced run "
        + attempt, tape, seconds, symbols, overrides, run -> run.steadyAfter(symbols, warmupMillis)));
    // Several samples only when the first was noisy: report the best clean one (least disturbed by other work).
    ReplayRun.Result r = results.stream().map(Sample::value)
        .min(Comparator.comparingDouble(x -> x.latencyNanos().getValueAtPercentile(99.9))).orElseThrow();
    System.out.println("    whole replay:");
    System.out.println(histogram(r.wholeNanos()));
    System.out.printf(Locale.ROOT, "    after the first %d s:%n", warmupMillis / 1000);
    System.out.println(histogram(r.latencyNanos()));
    return r;
  }

  /** The rows of a paced replay, then those of its baseline ({@link PacedHop}) at the same pace, measured now. */
  private void pacedRows(int symbolCount, long rate, long seconds, String name, ReplayRun.Result r)
      throws Exception {
    long warmupSeconds = arg("pacedWarmupSeconds", 5);
    row(name, fmtRate(r.tradesPerSecond(), "trades/s"), "", "");
    row("  latency p50 / p99 / p99.9, whole replay", latencies(r.wholeNanos()), "", "");
    row("  the same after the first " + warmupSeconds + " s", latencies(r.latencyNanos()),
        "p99.9 < 1 ms", met(r.latencyNanos().getValueAtPercentile(99.9) / 1000.0 < TARGET_PACED_P999_US));
    row("    worst symbol's p50 / p99 / p99.9 then", latencies(r), "", "");
    Histogram hop = samples("the paced rows' baseline", 1, 1, attempt -> PacedHop.run(symbolCount, rate, seconds,
        warmupSeconds)).stream().map(Sample::value)
        .min(Comparator.comparingLong(h -> h.getValueAtPercentile(99.9))).orElseThrow();
    System.out.printf(Locale.ROOT, "    baseline, a bare event-bus hop at the same pace over %d verticles, after the first"
        + " %d s:%n%s%n", symbolCount, warmupSeconds, histogram(hop));
    row("  baseline: a bare event-bus hop, the same pace, after " + warmupSeconds + " s", latencies(hop), "", "");
    row("  p99.9 / the baseline's", String.format(Locale.ROOT, "%.1fx",
        r.latencyNanos().getValueAtPercentile(99.9) / (double) hop.getValueAtPercentile(99.9)), "", "");
  }

  /** Upper bounds, in microseconds, of the buckets of {@link #histogram}. */
  private static final long[] HISTOGRAM_BOUNDS_US = {50, 100, 200, 500, 1000, 2000, 5000, 10_000, 50_000};

  /** The latencies as a compact table: percentiles, then the share of trades in each bucket. */
  static String histogram(Histogram nanos) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "    trade-to-features latency, %,d trades:",
        nanos.getTotalCount()));
    for (String p : List.of("50", "90", "99", "99.9", "99.99")) {
      out.append(" p").append(p).append(' ').append(us(nanos.getValueAtPercentile(Double.parseDouble(p)) / 1000.0))
          .append(',');
    }
    out.append(" max ").append(us(nanos.getMaxValue() / 1000.0)).append(String.format(Locale.ROOT, "%n   "));
    long below = 0;
    for (long bound : HISTOGRAM_BOUNDS_US) {
      long n = nanos.getCountBetweenValues(0, bound * 1000) - below;
      out.append(String.format(Locale.ROOT, " <= %s: %,d (%.3f%%) |", us(bound), n, 100.0 * n / nanos.getTotalCount()));
      below += n;
    }
    long rest = nanos.getTotalCount() - below;
    return out.append(String.format(Locale.ROOT, " more: %,d (%.3f%%)", rest, 100.0 * rest / nanos.getTotalCount()))
        .toString();
  }

  /**
   * One replay of the paced tape at REPLAY_SPEED=1 with {@code overrides} to its environment, printed;
   * {@code started} sees the service once it is deployed.
   */
  private static ReplayRun.Result pacedRun(String label, TapeGenerator.Tape tape, long seconds, List<String> symbols,
      Map<String, String> overrides, Consumer<ReplayRun> started) throws Exception {
    ThreadCpu threads = ThreadCpu.start();
    ReplayRun.Result r;
    String busy;
    try (ReplayRun run = ReplayRun.start(tape.path(), symbols, 1, overrides)) {
      started.accept(run);
      r = run.awaitApplied(tape.tradesPerSymbol(), 0, (seconds + 120) * 1000);
      busy = threads.top(6);
    }
    System.out.printf(Locale.ROOT,
        "%s: %,.0f trades/s achieved over %.1f s; latency us worst symbol p50 %.0f p99 %.0f p99.9"
            + " %.0f max %.0f; applied %,d%n",
        label, r.tradesPerSecond(), r.seconds(), r.worstLatencyUs("p50"), r.worstLatencyUs("p99"),
        r.worstLatencyUs("p999"), r.worstLatencyUs("max"), r.latencyCount());
    System.out.println("    threads " + busy);
    for (var e : r.statuses().entrySet()) {
      System.out.println("    " + e.getKey() + " " + e.getValue().getJsonObject("latency_us").encode());
    }
    return r;
  }

  // ---- 9 ----------------------------------------------------------------------------------------------------------

  /** Every agent due every second on every symbol (trend_score makes a finding at each run). */
  private static final Map<String, String> AGENTS_EVERY_SECOND = Map.of("TS_INTERVAL", "1", "RVOL_INTERVAL_SEC", "1",
      "CVD_INTERVAL_SEC", "1", "NEW_TREND_INTERVAL_SEC", "1", "REVERSAL_INTERVAL_SEC", "1", "LIQ_INTERVAL_SEC", "1");

  /**
   * The paced tape of row 3 replayed twice with every agent running every second: its findings kept in memory
   * ({@code STORE=memory}, the baseline), then each forced to the outbox before it is announced and written to the
   * embedded store ({@code STORE=sqlite}); what the outbox costs the trade-to-features latency.
   */
  private void pacedWithFindings(TapeGenerator.Tape tape, long rate, long seconds, List<String> symbols, Path dir)
      throws Exception {
    Path dataDir = dir.resolve("paced-data");
    Map<String, String> outbox = new LinkedHashMap<>(AGENTS_EVERY_SECOND);
    outbox.put("STORE", "sqlite");
    outbox.put("DATA_DIR", dataDir.toString());
    List<Sample<PacedPair>> results = samples("paced with findings", 1, 1, attempt -> {
      PacedFindings[] pair = new PacedFindings[2];
      CpuAccount.Usage worst = null;
      for (int k = 0; k < 2; k++) {
        if (k == 1) {
          awaitQuiet();
        }
        deleteTree(dataDir);
        CpuAccount acct = CpuAccount.start();
        pair[k] = pacedFindingsRun("9 paced run " + attempt + (k == 0 ? " STORE=memory" : " STORE=sqlite"), tape,
            seconds, symbols, k == 0 ? AGENTS_EVERY_SECOND : outbox);
        CpuAccount.Usage u = acct.stop();
        System.out.println("    " + u);
        if (worst == null || u.others() > worst.others()) {
          worst = u;
        }
      }
      deleteTree(dataDir);
      return new PacedPair(pair[0], pair[1], worst);
    });
    // Several pairs only when the first was noisy: the least disturbed one, whichever of its halves that favours.
    PacedPair p = results.stream().map(Sample::value)
        .min(Comparator.comparingDouble(x -> x.worst().others())).orElseThrow();
    ReplayRun.Result memory = p.memory().replay();
    ReplayRun.Result outboxed = p.outbox().replay();
    row("9 paced " + String.format(Locale.ROOT, "%,d", rate) + " trades/s, agents every 1 s, STORE=memory ("
        + p.memory().findings() + " findings)", fmtRate(memory.tradesPerSecond(), "trades/s"), "", "");
    row("  latency p50 / p99 / p99.9 (worst symbol)", latencies(memory), "", "");
    row("  the same, findings via the outbox, STORE=sqlite (" + p.outbox().findings() + " findings)",
        latencies(outboxed),
        "p99 < 1 ms", met(outboxed.worstLatencyUs("p99") < TARGET_PACED_P99_US));
    row("  outbox / memory, p99 / p99.9", String.format(Locale.ROOT, "%.2fx / %.2fx",
        outboxed.worstLatencyUs("p99") / memory.worstLatencyUs("p99"),
        outboxed.worstLatencyUs("p999") / memory.worstLatencyUs("p999")), "", "");
  }

  /** A paced replay and the findings announced during it (after they were made durable, with a store). */
  record PacedFindings(ReplayRun.Result replay, long findings) {
  }

  /** The baseline and the outbox run; noisy when either was. */
  record PacedPair(PacedFindings memory, PacedFindings outbox, CpuAccount.Usage worst) implements Noisy {
    @Override
    public boolean noisy() {
      return worst.noisy();
    }

    @Override
    public CpuAccount.Usage usage() {
      return worst;
    }
  }

  /** A paced run counting the findings announced, and the store's last status (none in memory). */
  private static PacedFindings pacedFindingsRun(String label, TapeGenerator.Tape tape, long seconds,
      List<String> symbols, Map<String, String> overrides) throws Exception {
    AtomicLong findings = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicReference<JsonObject> store = new AtomicReference<>();
    // Registered once the service is deployed, before the agents' first run a second later.
    ReplayRun.Result r = pacedRun(label, tape, seconds, symbols, overrides, run -> {
      run.vertx.eventBus().<JsonObject>localConsumer(Addresses.FINDINGS, m -> {
        findings.incrementAndGet();
        bytes.addAndGet(m.body().encode().length());
      });
      run.vertx.eventBus().<JsonObject>localConsumer(Addresses.STORE_STATUS, m -> store.set(m.body()));
    });
    long n = findings.get();
    System.out.printf(Locale.ROOT, "    findings announced %,d (mean %d bytes of JSON); store status %s%n", n,
        n == 0 ? 0 : bytes.get() / n, store.get() == null ? "-" : store.get().encode());
    return new PacedFindings(r, n);
  }

  // ---- 4 ----------------------------------------------------------------------------------------------------------

  /** The bare route: its own HttpServer, one route, a constant JSON body. */
  static final class BareJsonVerticle extends VerticleBase {
    private final String body;
    private HttpServer server;

    BareJsonVerticle(String body) {
      this.body = body;
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      router.get("/bare").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(body));
      server = vertx.createHttpServer();
      return server.requestHandler(router).listen(0, "127.0.0.1");
    }

    int port() {
      return server.actualPort();
    }
  }

  /**
   * Row 4 on the state the whole unpaced tape leaves behind (every bar, TRADES_MAX trades cached), unless wrk is not
   * installed or the row was skipped.
   */
  private void http(TapeGenerator.Tape tape, List<String> symbols, Optional<String> wrkVersion, WrkRunner wrk,
      int warmupSeconds, int rounds) throws Exception {
    if (flag("skipHttp")) {
      System.out.println("4 http: skipped (skipHttp=true)");
      row("4 HTTP /signals_tf vs bare route", "skipped", "", "");
    } else if (wrkVersion.isEmpty()) {
      System.out.println("4 http: SKIPPED - wrk is not installed (apt-get install -y wrk); no HTTP figures in"
          + " this run");
      row("4 HTTP /signals_tf vs bare route", "skipped: no wrk", TARGET_HTTP_VS_BARE_TEXT, "n/a");
    } else {
      try (ReplayRun app = ReplayRun.start(tape.path(), symbols, 0)) {
        app.awaitApplied(tape.tradesPerSymbol(), 20, 300_000);
        httpRounds(app, symbols.get(0), wrk, warmupSeconds, rounds);
      }
    }
  }

  private void httpRounds(ReplayRun app, String symbol, WrkRunner wrk, int warmupSeconds, int rounds)
      throws Exception {
    String signalsUrl = "http://127.0.0.1:" + app.httpPort + "/signals_tf?symbol=" + symbol;
    byte[] sample = get(signalsUrl);
    String body = new String(sample, StandardCharsets.UTF_8);
    BareJsonVerticle bare = new BareJsonVerticle(body);
    ReplayRun.await(app.vertx.deployVerticle(bare), 10_000);
    String bareUrl = "http://127.0.0.1:" + bare.port() + "/bare";
    byte[] bareSample = get(bareUrl);
    System.out.println("4 http: /signals_tf body " + sample.length + " bytes, bare body " + bareSample.length
        + " bytes (the same constant): " + body);
    if (warmupSeconds > 0) {
      wrk.run(bareUrl, warmupSeconds);
      wrk.run(signalsUrl, warmupSeconds);
    }
    // A round is one bare run then one /signals_tf run; alternating lets drift hit both alike. A round during either
    // half of which other processes were busy is repeated; the figures are the means over the clean rounds.
    List<Sample<Round>> results = samples("http", rounds, attempt -> {
      WrkRunner.Result[] pair = new WrkRunner.Result[2];
      CpuAccount.Usage worst = null;
      for (int k = 0; k < 2; k++) {
        boolean isBare = k == 0;
        if (k == 1) {
          awaitQuiet();
        }
        ThreadCpu threads = ThreadCpu.start();
        CpuAccount acct = CpuAccount.start();
        WrkRunner.Result r = wrk.run(isBare ? bareUrl : signalsUrl);
        CpuAccount.Usage u = acct.stop();
        System.out.printf(Locale.ROOT, "4 http round %d %-10s (wrk %s): %,.0f req/s, latency avg %s p99 %s,"
                + " non-2xx %d%s%n      %s; threads %s%n", attempt, isBare ? "bare" : "signals_tf", wrk.settings(),
            r.requestsPerSecond(), r.latencyAvg(), r.latencyP99(), r.non2xx(),
            r.socketErrors().isEmpty() ? "" : ", socket errors " + r.socketErrors(), u, threads.top(3));
        pair[k] = r;
        if (worst == null || u.others() > worst.others()) {
          worst = u;
        }
      }
      return new Round(pair[0], pair[1], worst);
    });
    double b = results.stream().mapToDouble(x -> x.value().bare().requestsPerSecond()).average().orElseThrow();
    double s = results.stream().mapToDouble(x -> x.value().signals().requestsPerSecond()).average().orElseThrow();
    long non2xx = results.stream().mapToLong(x -> x.value().bare().non2xx() + x.value().signals().non2xx()).sum();
    double ratio = s / b;
    boolean clean = non2xx == 0;
    String mean = results.size() > 1 ? ", mean of " + results.size() : "";
    row("4 bare Vert.x route (wrk " + wrk.settings() + mean + ")", fmtRate(b, "req/s"), "", "");
    row("  GET /signals_tf (same wrk settings)", fmtRate(s, "req/s"), "", "");
    row("  /signals_tf / bare", String.format(Locale.ROOT, "%.3fx", ratio) + (clean ? "" : " (non-2xx!)"),
        TARGET_HTTP_VS_BARE_TEXT, met(clean && ratio >= TARGET_HTTP_VS_BARE));
  }

  /** One bare run and one /signals_tf run; noisy when either was. */
  record Round(WrkRunner.Result bare, WrkRunner.Result signals, CpuAccount.Usage worst) implements Noisy {
    @Override
    public boolean noisy() {
      return worst.noisy();
    }

    @Override
    public CpuAccount.Usage usage() {
      return worst;
    }
  }

  private static byte[] get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    try (InputStream in = c.getInputStream()) {
      if (c.getResponseCode() != 200) {
        throw new IOException(url + " answered " + c.getResponseCode());
      }
      return in.readAllBytes();
    } finally {
      c.disconnect();
    }
  }

  // ---- 5 ----------------------------------------------------------------------------------------------------------

  /** Correctness under hostile input rather than speed: the rate is shown, the target is no violation at all. */
  private void fuzz(long lines, long seed) {
    if (lines <= 0) {
      System.out.println("5 parser fuzz: skipped (fuzzLines=0)");
      row("5 parser fuzz", "skipped", "", "");
      return;
    }
    ParserFuzz.Result r = ParserFuzz.run(lines, seed);
    System.out.print("5 " + ParserFuzz.report(r));
    row(String.format(Locale.ROOT, "5 parser fuzz, %,d lines (seed %d)", lines, seed),
        String.format(Locale.ROOT, "%d violations, %,.0f lines/s", r.violationCount(), lines / r.seconds()),
        "0 violations", met(r.violationCount() == 0));
  }

  // ---- 7, 8 -------------------------------------------------------------------------------------------------------

  /**
   * The same {@code n} findings written by the repository's batched insert and through the outbox, on PostgreSQL
   * (a throwaway database on 127.0.0.1:5432, skipped when there is none) and on the embedded SQLite store.
   */
  private void findingsWriteRate(int n, List<String> symbols) throws Exception {
    if (n <= 0) {
      System.out.println("7, 8 findings write rate: skipped (findings=0)");
      row("7, 8 findings written through the outbox", "skipped", "", "");
      return;
    }
    Path tmp = Files.createTempDirectory("tapewatch-bench-store-");
    try {
      Optional<TestDatabase> db = throwawayDatabase("7 findings write rate, PostgreSQL");
      if (db.isEmpty()) {
        row("7 findings written, PostgreSQL", "skipped: no PostgreSQL", "", "");
      } else {
        try (TestDatabase pg = db.get()) {
          storeRows("7", "PostgreSQL", samples("findings write rate, PostgreSQL", 1, 1, true, attempt -> {
            deleteTree(tmp);
            return storeSample("7", attempt, StoreBench.postgres(pg, n, symbols, Files.createDirectories(tmp)));
          }));
        }
      }
      storeRows("8", "SQLite", samples("findings write rate, SQLite", 1, 1, attempt -> {
        deleteTree(tmp);
        return storeSample("8", attempt, StoreBench.sqlite(n, symbols, Files.createDirectories(tmp)));
      }));
    } finally {
      deleteTree(tmp);
    }
  }

  /** A database of the benchmark's own on 127.0.0.1:5432, or none (said, for {@code what}) when there is none. */
  private static Optional<TestDatabase> throwawayDatabase(String what) {
    try {
      return Optional.of(new TestDatabase());
    } catch (Exception e) {
      System.out.println(what + ": SKIPPED - no PostgreSQL at " + TestDatabase.HOST + ":"
          + TestDatabase.PORT + " (" + e + ")");
      return Optional.empty();
    }
  }

  private static StoreBench.Result storeSample(String number, int attempt, StoreBench.Result r) {
    JsonObject st = r.storeStatus();
    System.out.printf(Locale.ROOT,
        "%s findings write rate %s run %d: %,d findings of %d bytes; direct %,.0f rows/s (%.2f s), through the outbox"
            + " %,.0f rows/s (%.2f s, every append answered at %.2f s); append to durable p50 %.2f ms p99 %.2f ms"
            + " max %.2f ms; store status %s%n",
        number, r.store(), attempt, r.findings(), r.meanFindingBytes(), r.directRowsPerSecond(), r.directSeconds(),
        r.outboxRowsPerSecond(), r.outboxSeconds(), r.appendsAnsweredSeconds(), r.appendP50Ms(), r.appendP99Ms(),
        r.appendMaxMs(),
        st == null ? "-" : st.encode());
    return r;
  }

  private void storeRows(String number, String store, List<Sample<StoreBench.Result>> results) {
    // Several samples only when the first was noisy: the least disturbed one, whichever path that favours.
    StoreBench.Result r = results.stream().min(Comparator.comparingDouble(x -> x.cpu().others())).orElseThrow()
        .value();
    row(String.format(Locale.ROOT, "%s direct batched insert, %s (%,d findings of %d B, %d a batch)", number, store,
        r.findings(), r.meanFindingBytes(), StoreBench.BATCH), fmtRate(r.directRowsPerSecond(), "rows/s"), "", "");
    row(String.format(Locale.ROOT, "  through the outbox (%,d appends in flight)", StoreBench.IN_FLIGHT),
        fmtRate(r.outboxRowsPerSecond(), "rows/s"), "", "");
    row("  outbox / direct", String.format(Locale.ROOT, "%.3fx", r.outboxRowsPerSecond() / r.directRowsPerSecond()),
        "", "");
    row("  append to durable p50 / p99", String.format(Locale.ROOT, "%.2f ms / %.2f ms", r.appendP50Ms(),
        r.appendP99Ms()), "", "");
  }

  /** Deletes {@code dir} and everything in it, if it exists. */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  // ---- 10 ---------------------------------------------------------------------------------------------------------

  /** The level-2 messages of the recorded Exchange capture, in order. */
  /** The l2_data messages of the recorded Advanced Trade capture (its recorder's envelopes unwrapped), in order. */
  private static List<String> advancedLevel2() throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(ADVANCED_CAPTURE)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonObject envelope = new JsonObject(line);
        String data = envelope.getString("data");
        if ("recv".equals(envelope.getString("t")) && data != null && data.contains("\"channel\":\"l2_data\"")) {
          out.add(data);
        }
      }
    }
    return out;
  }

  private static List<String> exchangeLevel2() throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(EXCHANGE_CAPTURE)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        int at = line.indexOf(": {");
        if (at > 0 && !line.contains(" <- ") && (line.contains("\"type\":\"snapshot\"")
            || line.contains("\"type\":\"l2update\""))) {
          out.add(line.substring(at + 2));
        }
      }
    }
    return out;
  }

  /**
   * Price levels per second through a feed's parser and into one {@link OrderBook} per product
   * ({@value #BOOK_BENCH_DEPTH} levels a side, as BOOK_DEPTH's default), beside the parser alone and the books alone
   * (the updates parsed beforehand) in the same run: {@value #BOOK_BENCH_REPEATS} passes over the messages (in
   * memory, one thread) per sample, books afresh each pass, 2 warm-up samples, then the median of 5 of each,
   * interleaved.
   */
  private void book(String source, List<String> lines, Function<String, List<BookUpdate>> parse) throws Exception {
    String[] all = lines.toArray(new String[0]);
    List<BookUpdate> parsed = new ArrayList<>();
    for (String line : all) {
      parsed.addAll(parse.apply(line));
    }
    long perPass = parsed.stream().mapToLong(u -> u.bidPrices().length + u.askPrices().length).sum();
    for (int warm = 0; warm < 2; warm++) {
      for (BookWork work : BookWork.values()) {
        bookPass(work, all, parse, parsed);
      }
    }
    List<Sample<double[]>> results = samples("book " + source, 5, attempt -> {
      double parseOnly = perPass * BOOK_BENCH_REPEATS / bookPass(BookWork.PARSE, all, parse, parsed);
      double withBook = perPass * BOOK_BENCH_REPEATS / bookPass(BookWork.PARSE_AND_BOOK, all, parse, parsed);
      double bookOnly = perPass * BOOK_BENCH_REPEATS / bookPass(BookWork.BOOK, all, parse, parsed);
      System.out.printf(Locale.ROOT, "10 book %s pass %d: parse %,.0f levels/s, parse + book %,.0f levels/s, book"
          + " %,.0f levels/s%n", source, attempt, parseOnly, withBook, bookOnly);
      return new double[] {parseOnly, withBook, bookOnly};
    });
    double parseOnly = median(results.stream().map(r -> r.value()[0]).toList());
    double withBook = median(results.stream().map(r -> r.value()[1]).toList());
    double bookOnly = median(results.stream().map(r -> r.value()[2]).toList());
    System.out.printf(Locale.ROOT, "10 book %s: %,d messages, %,d levels; parse %,.0f levels/s, parse + book %,.0f"
        + " levels/s, book %,.0f levels/s%n", source, all.length, perPass, parseOnly, withBook, bookOnly);
    row("10 " + source + ": parse alone (" + String.format(Locale.ROOT, "%,d", perPass) + " levels)",
        fmtRate(parseOnly, "levels/s"), "", "");
    row("  parse + book (depth " + BOOK_BENCH_DEPTH + ")", fmtRate(withBook, "levels/s"),
        ">= 1,470,000 levels/s (3x cryptofeed)", met(withBook >= TARGET_BOOK_LEVELS_PER_S));
    row("  parse + book / parse alone", String.format(Locale.ROOT, "%.3fx", withBook / parseOnly), "", "");
    row("  book alone (updates parsed beforehand)", fmtRate(bookOnly, "levels/s"), "", "");
  }

  /** What a pass of {@link #bookPass} does with the messages. */
  enum BookWork { PARSE, PARSE_AND_BOOK, BOOK }

  /**
   * Seconds for {@value #BOOK_BENCH_REPEATS} passes: the lines parsed, and their updates applied to fresh books; or
   * the updates parsed beforehand applied alone.
   */
  private static double bookPass(BookWork work, String[] lines, Function<String, List<BookUpdate>> parse,
      List<BookUpdate> parsed) {
    long checksum = 0;
    long t = System.nanoTime();
    for (int pass = 0; pass < BOOK_BENCH_REPEATS; pass++) {
      Map<String, OrderBook> books = new HashMap<>();
      if (work == BookWork.BOOK) {
        for (BookUpdate u : parsed) {
          checksum += apply(books, u);
        }
        continue;
      }
      for (String line : lines) {
        for (BookUpdate u : parse.apply(line)) {
          checksum += work == BookWork.PARSE ? u.bidPrices().length : apply(books, u);
        }
      }
    }
    double seconds = (System.nanoTime() - t) / 1e9;
    if (checksum < 0) {
      throw new IllegalStateException("unreachable: keeps the work from being optimised away");
    }
    return seconds;
  }

  private static int apply(Map<String, OrderBook> books, BookUpdate u) {
    return books.computeIfAbsent(u.symbol(), s -> new OrderBook(BOOK_BENCH_DEPTH)).apply(u).ordinal();
  }

  // ---- 11 ---------------------------------------------------------------------------------------------------------

  /** Clients of the baseline fan-out, whose latency the figure with every client is set against. */
  static final int SSE_BASELINE_CLIENTS = 10;
  /** Findings announced before each measured phase, to warm the path up. */
  static final int SSE_WARMUP_EVENTS = 20;
  /** No agent runs during the fan-out: the findings announced are the benchmark's own. */
  private static final Map<String, String> AGENTS_IDLE = Map.of("TS_INTERVAL", "86400", "RVOL_INTERVAL_SEC",
      "86400", "CVD_INTERVAL_SEC", "86400", "NEW_TREND_INTERVAL_SEC", "86400", "REVERSAL_INTERVAL_SEC", "86400",
      "LIQ_INTERVAL_SEC", "86400", "BOOK_IMB_INTERVAL_SEC", "86400", "MACRO_INTERVAL_SEC", "86400");

  /**
   * The live findings stream with {@code clients} open (real loopback connections from a Vert.x of their own in this
   * process) against {@value #SSE_BASELINE_CLIENTS} in the same run on the same service: each phase announces
   * {@code events} findings one at a time; the figures are the time from announcement to each client's receipt, and
   * the resident memory of the process (the service and its clients) before and after the connections open.
   */
  private void sseFanOut(int clients, int events, List<String> symbols, long seed) throws Exception {
    if (clients <= 0 || events <= 0) {
      System.out.println("11 findings stream fan-out: skipped (sseClients=0)");
      row("11 findings stream fan-out", "skipped", "", "");
      return;
    }
    int few = Math.min(SSE_BASELINE_CLIENTS, clients);
    Path dir = Files.createTempDirectory("tapewatch-bench-sse-");
    Path tapePath = dir.resolve("tape.ndjson");
    TapeGenerator.Tape tape = TapeGenerator.write(tapePath, 10_000, symbols.size(), seed, 0, 4000, false);
    Map<String, String> env = new LinkedHashMap<>(AGENTS_IDLE);
    env.put("MAX_CONNECTIONS_PER_IP", Integer.toString(clients + SSE_BASELINE_CLIENTS));
    try (ReplayRun app = ReplayRun.start(tapePath, symbols, 0, env);
        SseFanOut sse = new SseFanOut(app, symbols.get(0), clients)) {
      app.awaitApplied(tape.tradesPerSymbol(), 20, 60_000);
      Memory before = Memory.now();
      sse.connect(few);
      SseFanOut.Latencies baseline = ssePhase(sse, events);
      Memory withFew = Memory.now();
      sse.connect(clients);
      Memory withAll = Memory.now();
      SseFanOut.Latencies all = ssePhase(sse, events);
      System.out.printf(Locale.ROOT, "11 findings stream: RSS %s with no stream, %s with %d, %s with %,d (+%s for"
              + " %,d connections, %.1f KiB each); heap after GC %s, %s, %s%n", mib(before.rss()),
          mib(withFew.rss()), few, mib(withAll.rss()), clients, mib(withAll.rss() - withFew.rss()), clients - few,
          (withAll.rss() - withFew.rss()) / 1024.0 / (clients - few), mib(before.heap()), mib(withFew.heap()),
          mib(withAll.heap()));
      row(String.format(Locale.ROOT, "11 findings stream, %d clients: announce to receipt p50 / p99", few),
          String.format(Locale.ROOT, "%s / %s", us(baseline.p50Us()), us(baseline.p99Us())), "", "");
      row(String.format(Locale.ROOT, "  %,d clients: p50 / p99 (last client p50)", clients),
          String.format(Locale.ROOT, "%s / %s (%s)", us(all.p50Us()), us(all.p99Us()), us(all.lastClientP50Us())),
          "", "");
      row(String.format(Locale.ROOT, "  %,d / %d clients, p50 / p99", clients, few),
          String.format(Locale.ROOT, "%.1fx / %.1fx", all.p50Us() / baseline.p50Us(), all.p99Us() / baseline.p99Us()),
          "", "");
      // The heap grows and shrinks with the collections, so the RSS difference alone can mislead: the heap in use
      // after a full collection says what the connections hold.
      row(String.format(Locale.ROOT, "  process RSS with %,d streams (service and clients)", clients),
          String.format(Locale.ROOT, "%s (+%s, %.1f KiB a connection; heap +%.1f KiB)", mib(withAll.rss()),
              mib(withAll.rss() - withFew.rss()), (withAll.rss() - withFew.rss()) / 1024.0 / (clients - few),
              (withAll.heap() - withFew.heap()) / 1024.0 / (clients - few)), "", "");
    } finally {
      deleteTree(dir);
    }
  }

  /** {@value #SSE_WARMUP_EVENTS} findings unmeasured, then {@code events} measured, printed with its CPU. */
  private SseFanOut.Latencies ssePhase(SseFanOut sse, int events) throws Exception {
    sse.announce(SSE_WARMUP_EVENTS);
    List<Sample<SseFanOut.Latencies>> r = samples("findings stream, " + sse.clients() + " clients", 1, 0,
        attempt -> sse.announce(events));
    SseFanOut.Latencies l = r.get(0).value();
    System.out.printf(Locale.ROOT, "11 findings stream, %,d clients, %d findings: announce to receipt p50 %s p99 %s"
        + " max %s; last client p50 %s%n", l.clients(), l.findings(), us(l.p50Us()), us(l.p99Us()), us(l.maxUs()),
        us(l.lastClientP50Us()));
    return l;
  }

  /** The process's resident set and its heap in use, each after a full collection. */
  record Memory(long rss, long heap) {
    static Memory now() throws IOException {
      System.gc();
      Runtime rt = Runtime.getRuntime();
      return new Memory(SseFanOut.residentBytes(), rt.totalMemory() - rt.freeMemory());
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  // ---- 12 ---------------------------------------------------------------------------------------------------------

  /** The table size of the baseline, whose latencies the figures over the full table are set against. */
  static final int STORED_BASELINE = 10_000;

  /**
   * {@code /findings} and {@code /scorecard} with {@code total} findings in a throwaway PostgreSQL database against the
   * same requests with {@value #STORED_BASELINE} in the same run, on the same service: how the reads scale with what
   * is kept (a bare route would measure HTTP again, not the store). Skipped without PostgreSQL.
   */
  private void storedFindings(long total, int queries, List<String> symbols, long seed) throws Exception {
    if (total <= 0) {
      System.out.println("12 stored findings: skipped (storedFindings=0)");
      row("12 /findings and /scorecard over stored findings", "skipped", "", "");
      return;
    }
    Optional<TestDatabase> db = throwawayDatabase("12 stored findings");
    if (db.isEmpty()) {
      row("12 /findings and /scorecard over stored findings", "skipped: no PostgreSQL", "", "");
      return;
    }
    Path dir = Files.createTempDirectory("tapewatch-bench-stored-");
    Path tapePath = dir.resolve("tape.ndjson");
    TapeGenerator.Tape tape = TapeGenerator.write(tapePath, 10_000, symbols.size(), seed, 0, 4000, false);
    try (TestDatabase pg = db.get()) {
      Map<String, String> env = new LinkedHashMap<>(AGENTS_IDLE);
      env.put("STORE", "postgres");
      env.put("DATABASE_URL", pg.url());
      // The scorecard gauges read every scored finding in the background; here only the requests measured do.
      env.put("SCORECARD_METRICS_SEC", "86400");
      try (ReplayRun app = ReplayRun.start(tapePath, symbols, 0, env)) {
        app.awaitApplied(tape.tradesPerSymbol(), 20, 60_000);
        StoredFindings store = new StoredFindings(pg, symbols, seed);
        Map<String, StoredFindings.Timings> small = storedPhase(store, app, Math.min(STORED_BASELINE, total),
            queries);
        Map<String, StoredFindings.Timings> large = storedPhase(store, app, total, queries);
        boolean first = true;
        for (String kind : large.keySet()) {
          StoredFindings.Timings l = large.get(kind);
          StoredFindings.Timings s = small.get(kind);
          row((first ? String.format(Locale.ROOT, "12 %,d findings in PostgreSQL: GET ", total) : "  GET ") + kind
                  + " p50 / p99", String.format(Locale.ROOT, "%.1f ms / %.1f ms (%.1fx / %.1fx of %,d)%s",
                  l.quantile(0.5), l.quantile(0.99), l.quantile(0.5) / s.quantile(0.5),
                  l.quantile(0.99) / s.quantile(0.99), STORED_BASELINE, failures(l) + failures(s)), "", "");
          first = false;
        }
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static String failures(StoredFindings.Timings t) {
    return t.failed() == 0 ? "" : String.format(Locale.ROOT, " [%d of %d answered %d]", t.failed(),
        t.sortedMs().length, t.failedStatus());
  }

  /** Fills the table to {@code total} and times the requests, printed with the CPU the machine spent meanwhile. */
  private Map<String, StoredFindings.Timings> storedPhase(StoredFindings store, ReplayRun app, long total,
      int queries) throws Exception {
    double seconds = store.fillTo(total);
    System.out.printf(Locale.ROOT, "12 stored findings: table filled to %,d in %.1f s%n", total, seconds);
    List<Sample<Map<String, StoredFindings.Timings>>> r = samples(String.format(Locale.ROOT,
        "stored findings, %,d", total), 1, 0, true, attempt -> store.requests(app.httpPort, queries));
    StoredFindings.describe(r.get(0).value()).forEach(line -> System.out.printf(Locale.ROOT, "12 %,d stored: %s%n",
        total, line));
    return r.get(0).value();
  }

  // ---------------------------------------------------------------------------------------------------------------

  // ---- 13 ---------------------------------------------------------------------------------------------------------

  /**
   * Every agent's run over a node's whole share: the simulator's 400 USD products against 4 majors (each at the full
   * rate), every agent due each {@value AgentCycleBench#INTERVAL_SEC} s; the worst agent of each and the ratio.
   */
  private void agentCycle() throws Exception {
    if (args.containsKey("agentCycle") && !flag("agentCycle")) {
      row("13 agent run over every symbol", "skipped", "", "");
      return;
    }
    Map<String, Long> few = AgentCycleBench.cycleMs("BTC-USD,ETH-USD,SOL-USD,XRP-USD", 4);
    Map<String, Long> market = AgentCycleBench.cycleMs("*-USD", 400);
    System.out.println("13 agent runs, ms: 4 symbols " + few + "; 400 symbols " + market);
    Map.Entry<String, Long> worstFew = Collections.max(few.entrySet(), Map.Entry.comparingByValue());
    Map.Entry<String, Long> worst = Collections.max(market.entrySet(), Map.Entry.comparingByValue());
    long budgetMs = AgentCycleBench.INTERVAL_SEC * 1000L / 2;
    row("13 agent run, 4 majors (worst: " + worstFew.getKey() + ")", worstFew.getValue() + " ms", "", "");
    row("  over 400 symbols, SYMBOL=*-USD (worst: " + worst.getKey() + ")", worst.getValue() + " ms",
        "< " + budgetMs + " ms (half the interval)", met(worst.getValue() < budgetMs));
    row("  400 / 4 symbols", String.format(Locale.ROOT, "%.1fx", worst.getValue() / (double) Math.max(1,
        worstFew.getValue())), "", "");
  }

  private void row(String... cells) {
    rows.add(cells);
  }

  private String met(boolean ok) {
    verdicts.add(ok ? "met" : "MISSED");
    return ok ? "yes" : "NO";
  }

  private static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(null);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static String latencies(ReplayRun.Result r) {
    return String.format(Locale.ROOT, "%s / %s / %s", us(r.worstLatencyUs("p50")), us(r.worstLatencyUs("p99")),
        us(r.worstLatencyUs("p999")));
  }

  private static String latencies(Histogram nanos) {
    return String.format(Locale.ROOT, "%s / %s / %s", us(nanos.getValueAtPercentile(50) / 1000.0),
        us(nanos.getValueAtPercentile(99) / 1000.0), us(nanos.getValueAtPercentile(99.9) / 1000.0));
  }

  private static String us(double micros) {
    return micros >= 1000 ? String.format(Locale.ROOT, "%.2f ms", micros / 1000)
        : String.format(Locale.ROOT, "%.0f us", micros);
  }

  private static String fmtRate(double v, String unit) {
    return String.format(Locale.ROOT, "%,.0f %s", v, unit);
  }

  private void printTable() {
    String[] head = {"measure", "result", "target", "met"};
    int[] w = new int[head.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = head[i].length();
    }
    for (String[] r : rows) {
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    String fmt = "| %-" + w[0] + "s | %" + w[1] + "s | %-" + w[2] + "s | %-" + w[3] + "s |%n";
    String rule = "|" + "-".repeat(w[0] + 2) + "|" + "-".repeat(w[1] + 2) + "|" + "-".repeat(w[2] + 2) + "|"
        + "-".repeat(w[3] + 2) + "|";
    System.out.printf(fmt, (Object[]) head);
    System.out.println(rule);
    for (String[] r : rows) {
      System.out.printf(fmt, (Object[]) r);
    }
    long missed = verdicts.stream().filter("MISSED"::equals).count();
    System.out.println(missed == 0 ? "all " + verdicts.size() + " targets met"
        : missed + " of " + verdicts.size() + " targets missed");
    notes.forEach(n -> System.out.println("note: " + n));
  }
}
