package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.config.Secret;
import dev.tapewatch.scorecard.ScoredFinding;
import dev.tapewatch.scorecard.ScoredFinding.Outcome;
import dev.tapewatch.store.FindingQuery.Kept;
import dev.tapewatch.support.TestDatabase;
import dev.tapewatch.tape.MinuteBar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One contract for the findings, positions and bars repositories, held by PostgreSQL, SQLite and memory alike:
 * each test starts from an empty, migrated database and expects exactly the same answers from all three. Ids are
 * UUIDs whose text order differs from their arrival order (and, for "f…" against "1…", from Java's signed
 * {@code UUID.compareTo}), so that an order the SQL does not ask for shows.
 */
class RepositoryContractTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Nested
  @Tag("integration")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Postgres extends Contract {
    private TestDatabase pg;

    @BeforeAll
    void createDatabase() throws Exception {
      pg = new TestDatabase();
    }

    @AfterAll
    void dropDatabase() throws Exception {
      pg.close();
    }

    @Override
    Database open() throws Exception {
      Database db = new PgDatabase(vertx, new Secret(pg.url()));
      await(db.migrate());
      pg.query("TRUNCATE findings, position_state, bars_1m");
      return db;
    }
  }

  @Nested
  class Sqlite extends Contract {
    @TempDir
    Path dataDir;

    @Override
    Database open() throws Exception {
      Database db = new SqliteDatabase(vertx, dataDir);
      await(db.migrate());
      return db;
    }
  }

  @Nested
  class Memory extends Contract {
    @Override
    Database open() {
      return new MemoryDatabase(new FindingQuery.Recent(1000));
    }

    /**
     * Memory holds only the newest RECENT_FINDINGS findings and {@link MemoryDatabase#BARS_PER_SYMBOL} bars a
     * symbol, and the store never runs retention on it: its prune deletes nothing and answers 0.
     */
    @Override
    boolean prunes() {
      return false;
    }
  }

  abstract static class Contract {
    Database db;

    /** A database of this kind, migrated and empty. */
    abstract Database open() throws Exception;

    boolean prunes() {
      return true;
    }

    @BeforeEach
    void openDatabase() throws Exception {
      db = open();
    }

    @AfterEach
    void closeDatabase() throws Exception {
      await(db.close());
    }

    /**
     * Writes copies: memory keeps the very objects it is given, and an expectation shared with the store would
     * match whatever the store did to it.
     */
    void insert(JsonObject... findings) throws Exception {
      await(db.findings().insert(List.of(findings).stream().map(JsonObject::copy).toList()));
    }

    void resolve(JsonObject... outcomes) throws Exception {
      await(db.findings().resolve(List.of(outcomes).stream().map(JsonObject::copy).toList()));
    }

    List<Kept> newest(String symbol, Instant since, Instant before, String agent, int limit) throws Exception {
      return await(db.findings().newest(new FindingQuery(symbol, since, before, null, agent, limit)));
    }

    List<Kept> all() throws Exception {
      return newest(null, null, null, null, 100);
    }

    static List<String> ids(List<Kept> kept) {
      return kept.stream().map(Kept::id).toList();
    }

    /** Each finding read back exactly as inserted (and its parsed time and id alongside). */
    static void assertFindings(List<JsonObject> expected, List<Kept> actual) {
      assertEquals(expected.stream().map(f -> f.getString("id")).toList(), ids(actual));
      for (int i = 0; i < expected.size(); i++) {
        JsonObject e = expected.get(i);
        Kept k = actual.get(i);
        assertEquals(e, k.finding(), "finding " + i);
        assertEquals(Instant.parse(e.getString("ts_utc")), k.ts(), "ts of finding " + i);
      }
    }

    // ---- findings ----

    @Test
    void insertIsIdempotentAndReadsBackExactlyWhatWasInserted() throws Exception {
      JsonObject trend = finding("5b7c0f5e-2d6a-4c1e-9f3b-0a1b2c3d4e5f", at(0), "BTC-USD", "trend_score")
          .put("score", 0.6175).put("label", "p_up")
          .put("details", new JsonObject().put("p_up", 0.6175).put("window_bars", 21).put("regime", "trend")
              .put("features", new JsonObject().put("ret_15m_bps", -12.5).put("rvol", 2.25)))
          .put("ref_price", 64012.5)
          .put("outcomes", new JsonObject().putNull("1m").putNull("5m").putNull("60m"));
      // As announced when the symbol's verticle did not answer: no reference price, no outcomes owed.
      JsonObject unpriced = finding("0e0a4c27-8d2f-4f0b-a6a1-3c2d1e0f9a8b", Instant.parse("2026-03-02T10:00:01.250Z"),
          "ETH-USD", "rvol_spike").put("details", new JsonObject()).putNull("ref_price").putNull("outcomes");

      insert(trend, unpriced);
      insert(trend, unpriced);
      insert(unpriced);

      assertFindings(List.of(unpriced, trend), all());
    }

    @Test
    void theFirstResolutionOfAHorizonStandsAndOtherHorizonsStillLand() throws Exception {
      String id = "9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
      JsonObject owed = finding(id, at(0), "BTC-USD", "trend_score")
          .put("outcomes", new JsonObject().putNull("1m").putNull("5m"));
      insert(owed);
      JsonObject priced = new JsonObject().put("price", 64100.0).put("ret_bps", 13.67).put("hit", true);
      JsonObject missed = new JsonObject().put("missed", true);

      resolve(outcome(id, "1m", priced));
      resolve(outcome(id, "1m", missed), outcome(id, "5m", missed),
          outcome("00000000-0000-4000-8000-0000000000ff", "1m", priced));
      resolve(outcome(id, "5m", priced));

      assertFindings(List.of(owed.copy().put("outcomes", new JsonObject().put("1m", priced).put("5m", missed))),
          all());
    }

    @Test
    void newestIsNewestFirstWithEqualTimesByIdDescendingAndFilters() throws Exception {
      String f1 = "a1000000-0000-4000-8000-000000000001";
      String f2 = "2a000000-0000-4000-8000-000000000002";
      String f3 = "3b000000-0000-4000-8000-000000000003";
      String f4 = "c4000000-0000-4000-8000-000000000004";
      String f5 = "f5000000-0000-4000-8000-000000000005";
      String f6 = "16000000-0000-4000-8000-000000000006";
      // f2, f3 at :01 and f5, f6 at :03; arrival order agrees with id order in the one pair, not in the other.
      insert(finding(f1, at(0), "BTC-USD", "trend_score"), finding(f2, at(60), "ETH-USD", "trend_score"),
          finding(f3, at(60), "BTC-USD", "rvol_spike"), finding(f4, at(120), "BTC-USD", "trend_score"),
          finding(f5, at(180), "ETH-USD", "rvol_spike"), finding(f6, at(180), "BTC-USD", "trend_score"));

      assertEquals(List.of(f5, f6, f4, f3, f2, f1), ids(all()));
      assertEquals(List.of(f6, f4, f3, f1), ids(newest("BTC-USD", null, null, null, 100)));
      assertEquals(List.of(f6, f4, f2, f1), ids(newest(null, null, null, "trend_score", 100)));
      assertEquals(List.of(f6, f4, f1), ids(newest("BTC-USD", null, null, "trend_score", 100)));
      assertEquals(List.of(f5, f6, f4, f3, f2), ids(newest(null, at(60), null, null, 100)));
      assertEquals(List.of(f4, f3, f2, f1), ids(newest(null, null, at(180), null, 100)));
      assertEquals(List.of(f3, f2), ids(newest(null, at(60), at(120), null, 100)));
      assertEquals(List.of(), ids(newest("SOL-USD", null, null, null, 100)));
      assertEquals(List.of(f5, f6), ids(newest(null, null, null, null, 2)));

      List<Kept> first = newest(null, null, null, null, 3);
      assertEquals(List.of(f5, f6, f4), ids(first));
      List<Kept> second = newest(null, null, first.get(2).ts(), null, 3);
      assertEquals(List.of(f3, f2, f1), ids(second));
      assertEquals(List.of(), ids(newest(null, null, second.get(2).ts(), null, 3)));

      // A page ending inside a run of equal times: the next one starts right after its last finding, by time and id,
      // and loses none of the run (a time alone would skip f6, at the time of f5).
      List<Kept> one = newest(null, null, null, null, 1);
      assertEquals(List.of(f5), ids(one));
      List<String> paged = new ArrayList<>(ids(one));
      Kept last = one.get(0);
      while (true) {
        List<Kept> page = await(db.findings().newest(new FindingQuery(null, null, last.ts(), last.id(), null, 2)));
        if (page.isEmpty()) {
          break;
        }
        paged.addAll(ids(page));
        last = page.get(page.size() - 1);
      }
      assertEquals(List.of(f5, f6, f4, f3, f2, f1), paged);
    }

    @Test
    void scoredHoldsOnlyFindingsWithAHorizonResolvedWithAReturn() throws Exception {
      JsonObject pending = new JsonObject().putNull("1m").putNull("5m");
      JsonObject priced = new JsonObject().put("1m", new JsonObject().put("price", 64100.0).put("ret_bps", 12.5)
          .put("hit", true)).putNull("5m");
      JsonObject missed = new JsonObject().put("1m", new JsonObject().put("missed", true)).putNull("5m");
      // A whole number of basis points: stored as an integer by JSON, still a return.
      JsonObject missedThenPriced = new JsonObject().put("1m", new JsonObject().put("missed", true))
          .put("5m", new JsonObject().put("price", 3190.0).put("ret_bps", -3).put("hit", false));
      String s1 = "51000000-0000-4000-8000-000000000001";
      String s5 = "e5000000-0000-4000-8000-000000000005";
      insert(finding(s1, at(0), "BTC-USD", "trend_score").put("outcomes", priced),
          finding("b2000000-0000-4000-8000-000000000002", at(60), "BTC-USD", "trend_score").put("outcomes", missed),
          finding("93000000-0000-4000-8000-000000000003", at(120), "BTC-USD", "trend_score").put("outcomes", pending),
          finding("d4000000-0000-4000-8000-000000000004", at(180), "BTC-USD", "trend_score").putNull("outcomes"),
          finding(s5, at(240), "ETH-USD", "rvol_spike").put("outcomes", missedThenPriced));

      assertEquals(List.of(s5, s1), scoredIds(scored(null, null, null, null, 100)));
      assertEquals(List.of(s1), scoredIds(scored("BTC-USD", null, null, null, 100)));
      assertEquals(List.of(s5), scoredIds(scored(null, null, null, "rvol_spike", 100)));
      assertEquals(List.of(s5), scoredIds(scored(null, at(60), null, null, 100)));
      assertEquals(List.of(s1), scoredIds(scored(null, null, at(240), null, 100)));
      assertEquals(List.of(s5), scoredIds(scored(null, null, null, null, 1)));
      // What the scorecard reads of them: the outcomes at the horizons asked, in their order, none but the
      // resolved with a return; a horizon the finding does not have is none too.
      assertEquals(List.of(
              new ScoredFinding(at(240), s5, "ETH-USD", "rvol_spike", "signal", 0.5,
                  Arrays.asList(new Outcome(-3, false), null, null)),
              new ScoredFinding(at(0), s1, "BTC-USD", "trend_score", "signal", 0.5,
                  Arrays.asList(null, new Outcome(12.5, true), null))),
          await(db.findings().scored(new FindingQuery(null, null, null, null, null, 100), List.of("5m", "1m", "15m"))));
    }

    List<ScoredFinding> scored(String symbol, Instant since, Instant before, String agent, int limit)
        throws Exception {
      return await(db.findings().scored(new FindingQuery(symbol, since, before, null, agent, limit),
          List.of("1m", "5m")));
    }

    static List<String> scoredIds(List<ScoredFinding> scored) {
      return scored.stream().map(ScoredFinding::id).toList();
    }

    @Test
    void owedIsTheSymbolsFindingsSinceWithAHorizonUnresolvedOldestFirst() throws Exception {
      JsonObject priced = new JsonObject().put("price", 64100.0).put("ret_bps", 12.5).put("hit", true);
      JsonObject missed = new JsonObject().put("missed", true);
      String halfDone = "b2000000-0000-4000-8000-000000000002";
      String open = "a3000000-0000-4000-8000-000000000003";
      String late = "07000000-0000-4000-8000-000000000007";
      String lastLow = "28000000-0000-4000-8000-000000000008";
      String lastHigh = "39000000-0000-4000-8000-000000000009";
      // Two pairs of equal times, one arriving in descending id order, the other in ascending: oldest first orders
      // both by ascending id, the reverse of newest first.
      insert(finding("01000000-0000-4000-8000-000000000001", at(0), "BTC-USD", "trend_score"),
          finding(halfDone, at(60), "BTC-USD", "trend_score")
              .put("outcomes", new JsonObject().put("1m", priced).putNull("5m")),
          finding(open, at(60), "BTC-USD", "rvol_spike"),
          finding("c4000000-0000-4000-8000-000000000004", at(120), "BTC-USD", "trend_score")
              .put("outcomes", new JsonObject().put("1m", priced).put("5m", missed)),
          finding("d5000000-0000-4000-8000-000000000005", at(180), "BTC-USD", "trend_score").putNull("outcomes"),
          finding("e6000000-0000-4000-8000-000000000006", at(120), "ETH-USD", "trend_score"),
          finding(late, at(240), "BTC-USD", "trend_score")
              .put("outcomes", new JsonObject().put("1m", missed).putNull("5m")),
          finding(lastLow, at(300), "BTC-USD", "trend_score"), finding(lastHigh, at(300), "BTC-USD", "rvol_spike"));

      assertEquals(List.of(open, halfDone, late, lastLow, lastHigh),
          ids(await(db.findings().owed("BTC-USD", at(60)))));
      assertEquals(List.of(late, lastLow, lastHigh), ids(await(db.findings().owed("BTC-USD", at(61)))));
      assertEquals(List.of(), ids(await(db.findings().owed("SOL-USD", at(0)))));
    }

    @Test
    void pruneDeletesAtMostABatchOfTheOldestOlderThanBefore() throws Exception {
      String f1 = "c1000000-0000-4000-8000-000000000001";
      String f2 = "b2000000-0000-4000-8000-000000000002";
      String f3 = "a3000000-0000-4000-8000-000000000003";
      String f4 = "94000000-0000-4000-8000-000000000004";
      String f5 = "85000000-0000-4000-8000-000000000005";
      insert(finding(f3, at(120), "BTC-USD", "trend_score"), finding(f1, at(0), "ETH-USD", "trend_score"),
          finding(f5, at(240), "BTC-USD", "trend_score"), finding(f2, at(60), "BTC-USD", "rvol_spike"),
          finding(f4, at(180), "BTC-USD", "trend_score"));

      if (!prunes()) {
        assertEquals(0, await(db.findings().prune(at(180), 2)));
        assertEquals(List.of(f5, f4, f3, f2, f1), ids(all()));
        return;
      }
      assertEquals(2, await(db.findings().prune(at(180), 2)));
      assertEquals(List.of(f5, f4, f3), ids(all()));
      assertEquals(1, await(db.findings().prune(at(180), 2)));
      assertEquals(List.of(f5, f4), ids(all()));
      assertEquals(0, await(db.findings().prune(at(180), 2)));
      assertEquals(List.of(f5, f4), ids(all()));
    }

    // ---- positions ----

    @Test
    void positionsAreUpsertedAndAnOlderChangeNeverOverwritesANewerOne() throws Exception {
      Position ethFlat = new Position("ETH-USD", "flat", 0.0, null, at(0), null, null);
      Position btcLong = new Position("BTC-USD", "long", 0.5, 64012.5, at(60), "enter_long", 0.71);
      await(db.positions().upsert(List.of(ethFlat, btcLong)));
      assertEquals(List.of(btcLong, ethFlat), await(db.positions().all()));

      Position btcOlder = new Position("BTC-USD", "flat", 0.0, null, at(30), "exit", 0.4);
      Position ethLong = new Position("ETH-USD", "long", 2.25, 3190.75, at(120), "enter_long", 0.66);
      Position ethExit = new Position("ETH-USD", "flat", 0.0, null, at(180), "exit", 0.35);
      // Within one batch too, the newer of two changes of a symbol stands whatever their order.
      List<Position> batch = List.of(btcOlder, ethExit, ethLong);
      await(db.positions().upsert(batch));
      assertEquals(List.of(btcLong, ethExit), await(db.positions().all()));

      await(db.positions().upsert(batch));
      await(db.positions().upsert(List.of(ethFlat, btcLong)));
      assertEquals(List.of(btcLong, ethExit), await(db.positions().all()));
    }

    // ---- bars ----

    @Test
    void barsAreReadOldestFirstBySymbolReplacedByMinuteAndPruned() throws Exception {
      long m0 = T0.toEpochMilli();
      MinuteBar btc0 = bar("BTC-USD", m0, 64000.0, 341);
      MinuteBar btc1 = bar("BTC-USD", m0 + 60_000, 64050.0, 12);
      MinuteBar btc2 = bar("BTC-USD", m0 + 120_000, 63990.5, 7);
      MinuteBar eth2 = bar("ETH-USD", m0 + 120_000, 3190.25, 55);
      await(db.bars().insert(List.of(btc2, eth2, btc0)));
      await(db.bars().insert(List.of(btc1)));

      assertEquals(List.of(btc0, btc1, btc2), await(db.bars().since("BTC-USD", m0)));
      assertEquals(List.of(btc1, btc2), await(db.bars().since("BTC-USD", m0 + 1)));
      assertEquals(List.of(eth2), await(db.bars().since("ETH-USD", m0)));
      assertEquals(List.of(), await(db.bars().since("BTC-USD", m0 + 120_001)));
      assertEquals(List.of(), await(db.bars().since("SOL-USD", m0)));

      MinuteBar btc1Again = new MinuteBar("BTC-USD", m0 + 60_000, 64050.0, 64075.25, 64010.0, 64020.0, 1.75,
          112_045.5, -0.25, 13, m0 + 60_120, m0 + 119_990);
      await(db.bars().insert(List.of(btc1Again)));
      assertEquals(List.of(btc0, btc1Again, btc2), await(db.bars().since("BTC-USD", m0)));

      if (!prunes()) {
        assertEquals(0, await(db.bars().prune(m0 + 120_000, 1)));
        assertEquals(List.of(btc0, btc1Again, btc2), await(db.bars().since("BTC-USD", m0)));
        return;
      }
      assertEquals(1, await(db.bars().prune(m0 + 120_000, 1)));
      assertEquals(List.of(btc1Again, btc2), await(db.bars().since("BTC-USD", m0)));
      assertEquals(1, await(db.bars().prune(m0 + 120_000, 5)));
      assertEquals(0, await(db.bars().prune(m0 + 120_000, 5)));
      assertEquals(List.of(btc2), await(db.bars().since("BTC-USD", m0)));
      assertEquals(List.of(eth2), await(db.bars().since("ETH-USD", m0)));
    }
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  /** A finding as announced, two horizons owed; tests put what they need on it. */
  private static JsonObject finding(String id, Instant ts, String symbol, String agent) {
    return new JsonObject().put("id", id).put("ts_utc", ts.toString()).put("agent", agent).put("symbol", symbol)
        .put("score", 0.5).put("label", "signal").put("details", new JsonObject().put("p_up", 0.5))
        .put("ref_price", 100.0).put("outcomes", new JsonObject().putNull("1m").putNull("5m"));
  }

  private static JsonObject outcome(String id, String horizon, JsonObject outcome) {
    return new JsonObject().put("id", id).put("horizon", horizon).put("outcome", outcome);
  }

  /** A bar whose fields all differ, so that a column read into the wrong field shows. */
  private static MinuteBar bar(String symbol, long startMs, double open, int trades) {
    return new MinuteBar(symbol, startMs, open, open + 12.25, open - 7.5, open + 3.0, 4.125, open * 4.125, -1.5,
        trades, startMs + 250, startMs + 59_750);
  }
}
