package dev.tapewatch.bench;

import dev.tapewatch.support.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The findings endpoints over a PostgreSQL table holding many findings: the table filled in the service's own schema
 * by INSERT ... SELECT over generate_series (the rows made by the server, as fast as it writes them), then typical
 * requests sent one after another over one kept-alive connection, each timed from send to the end of its answer.
 */
final class StoredFindings {
  /** How far back the findings go: inside RETENTION_DAYS (30), so that the retention pass deletes none. */
  static final Duration SPAN = Duration.ofDays(20);
  /** Rows a statement inserts: each statement stays well inside TestDatabase's 15 s. */
  private static final int FILL_CHUNK = 50_000;
  /** The agents' shares of the findings: trend_score reads every run, the others speak less often. */
  private static final List<String> AGENTS = List.of("trend_score", "trend_score", "trend_score", "trend_score",
      "rvol_spike", "cvd_divergence", "new_trend", "reversal", "liquidity", "book_imbalance", "macro_watch");

  private final TestDatabase db;
  private final List<String> symbols;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Random random;
  private long stored;

  /**
   * The figures of one kind of request: its milliseconds, sorted, the findings or rows the last good answer held,
   * and how many answers were not 200 (with the last such status).
   */
  record Timings(String request, double[] sortedMs, int answered, int failed, int failedStatus) {
    double quantile(double q) {
      return sortedMs[Math.min(sortedMs.length - 1, (int) Math.ceil(q * sortedMs.length) - 1)];
    }
  }

  StoredFindings(TestDatabase db, List<String> symbols, long seed) {
    this.db = db;
    this.symbols = symbols;
    this.random = new Random(seed);
  }

  long stored() {
    return stored;
  }

  /**
   * Adds findings until the table holds {@code total}, spread evenly over the last {@link #SPAN} (a fill after
   * another lands between its rows): every horizon resolved but those not yet due, one in fifty missed, then
   * ANALYZE. Returns the seconds it took.
   */
  double fillTo(long total) throws Exception {
    long start = System.nanoTime();
    long adding = total - stored;
    double phase = random.nextDouble();
    for (long from = 0; from < adding; from += FILL_CHUNK) {
      db.query(fill(from, Math.min(adding, from + FILL_CHUNK), adding, phase));
    }
    db.query("ANALYZE findings");
    stored = total;
    return (System.nanoTime() - start) / 1e9;
  }

  /** Rows {@code from} (inclusive) to {@code to} (exclusive) of {@code count} spread over the span. */
  private String fill(long from, long to, long count, double phase) {
    String symbolArray = symbols.stream().map(s -> "'" + s + "'").collect(Collectors.joining(",", "ARRAY[", "]"));
    String agentArray = AGENTS.stream().map(a -> "'" + a + "'").collect(Collectors.joining(",", "ARRAY[", "]"));
    String outcome = "CASE WHEN random() < 0.02 THEN '{\"missed\": true}'::jsonb ELSE jsonb_build_object('price',"
        + " round((ref * (1 + %1$s / 1e4))::numeric, 2), 'ret_bps', %1$s, 'hit', %1$s > 0) END";
    String ret = "round(((random() - 0.5) * 40)::numeric, 2)";
    return String.format(Locale.ROOT, """
        INSERT INTO findings (id, ts_utc, agent, symbol, score, label, details, ref_price, outcomes)
        SELECT gen_random_uuid(), ts, agent, symbol, round(r1::numeric, 4),
          CASE WHEN agent <> 'trend_score' THEN agent WHEN r2 < 0.6 THEN 'trend_score'
            WHEN r2 < 0.8 THEN 'enter_long' ELSE 'exit_long' END,
          jsonb_build_object('direction', CASE WHEN r1 > 0.5 THEN 'up' ELSE 'down' END,
            'mom_bps_1m', round((r2 * 40 - 20)::numeric, 1), 'rvol_1m', round((r3 * 3)::numeric, 2),
            'atr_1m', round((r3 * 20)::numeric, 2), 'reason', 'benchmark finding ' || i),
          ref,
          jsonb_build_object('1m', %s, '5m', %s, '15m', %s,
            '60m', CASE WHEN ts > now() - interval '60 minutes' THEN NULL ELSE %s END)
        FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3,
            round((30000 + random() * 1000)::numeric, 2) AS ref,
            now() - make_interval(secs => (i + %f) * %d.0 / %d) AS ts,
            (%s)[1 + i %% %d] AS agent, (%s)[1 + (i / %d) %% %d] AS symbol
          FROM generate_series(%d, %d) AS i) AS g""",
        String.format(Locale.ROOT, outcome, ret), String.format(Locale.ROOT, outcome, ret),
        String.format(Locale.ROOT, outcome, ret), String.format(Locale.ROOT, outcome, ret),
        phase, SPAN.toSeconds(), count, agentArray, AGENTS.size(), symbolArray, AGENTS.size(), symbols.size(),
        from, to - 1);
  }

  /**
   * The typical requests, each kind {@code count} times (the scorecard, which reads every scored finding, a tenth as
   * often) after a warm-up of a few: the newest page, one symbol's, one agent's, both, a page before a cursor at a
   * random point of the span, and the scorecard over every agent and symbol and over one of each.
   */
  Map<String, Timings> requests(int port, int count) throws Exception {
    String base = "http://127.0.0.1:" + port;
    String symbol = symbols.get(0);
    Map<String, Supplier<String>> kinds = new LinkedHashMap<>();
    kinds.put("/findings", () -> "/findings");
    kinds.put("/findings?symbol=&limit=100", () -> "/findings?symbol=" + symbol + "&limit=100");
    kinds.put("/findings?agent=reversal", () -> "/findings?agent=reversal");
    kinds.put("/findings?symbol=&agent=liquidity", () -> "/findings?symbol=" + symbol + "&agent=liquidity");
    kinds.put("/findings?symbol=&limit=100&before=&before_id=", () -> "/findings?symbol=" + symbol
        + "&limit=100&before=" + Instant.now().minusMillis((long) (random.nextDouble() * SPAN.toMillis()))
        + "&before_id=" + UUID.randomUUID());
    kinds.put("/scorecard", () -> "/scorecard");
    kinds.put("/scorecard?symbol=&agent=trend_score", () -> "/scorecard?symbol=" + symbol + "&agent=trend_score");
    Map<String, Timings> out = new LinkedHashMap<>();
    for (var kind : kinds.entrySet()) {
      int n = kind.getKey().startsWith("/scorecard") ? Math.max(5, count / 10) : count;
      for (int warm = 0; warm < 3; warm++) {
        get(base + kind.getValue().get());
      }
      double[] ms = new double[n];
      int answered = 0;
      int failed = 0;
      int failedStatus = 0;
      for (int i = 0; i < n; i++) {
        String url = base + kind.getValue().get();
        long t = System.nanoTime();
        HttpResponse<String> r = get(url);
        ms[i] = (System.nanoTime() - t) / 1e6;
        if (r.statusCode() == 200) {
          answered = count(r.body());
        } else {
          failed++;
          failedStatus = r.statusCode();
        }
      }
      Arrays.sort(ms);
      out.put(kind.getKey(), new Timings(kind.getKey(), ms, answered, failed, failedStatus));
    }
    return out;
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The findings (of /findings) or rows (of /scorecard) an answer holds, by counting their first key. */
  private static int count(String body) {
    String key = body.startsWith("{\"findings\"") ? "{\"id\":" : "{\"symbol\":";
    int n = 0;
    for (int at = body.indexOf(key); at >= 0; at = body.indexOf(key, at + 1)) {
      n++;
    }
    return n;
  }

  static List<String> describe(Map<String, Timings> timings) {
    List<String> out = new ArrayList<>();
    timings.values().forEach(t -> out.add(String.format(Locale.ROOT, "%s: p50 %.2f ms p99 %.2f ms max %.2f ms"
        + " (%d requests, %d in the answer%s)", t.request(), t.quantile(0.5), t.quantile(0.99),
        t.sortedMs()[t.sortedMs().length - 1], t.sortedMs().length, t.answered(), t.failed() == 0 ? ""
            : String.format(Locale.ROOT, "; %d answered %d", t.failed(), t.failedStatus()))));
    return out;
  }
}
