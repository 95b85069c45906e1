package dev.tapewatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapewatch.support.TestService;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.config.TapewatchConfig;
import dev.tapewatch.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /findings as the store answers it, newest first by ts_utc and equal times by id (descending), from memory and from
 * PostgreSQL rows merged with findings not written yet. Ids are short numbers in UUID form, chosen so that arrival
 * order, id order and time order differ.
 */
class FindingQueryTest {
  private static final String DAY = "2026-01-01T00:00:";

  /** Arrival order F1 ... F7: three at :20, a late F5, and :30.5, later than :30 though its text sorts lower. */
  private static final JsonObject[] SEVEN = {
      finding(10, "10Z", "BTC-USD", "rvol_spike"),
      finding(50, "20Z", "ETH-USD", "rvol_spike"),
      finding(30, "20Z", "BTC-USD", "liquidity"),
      finding(40, "30Z", "BTC-USD", "rvol_spike"),
      finding(20, "15Z", "ETH-USD", "liquidity"),
      finding(60, "30.5Z", "BTC-USD", "liquidity"),
      finding(70, "20Z", "ETH-USD", "rvol_spike")};

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static String id(int n) {
    return String.format("00000000-0000-4000-8000-%012d", n);
  }

  private static JsonObject finding(int id, String ts, String symbol, String agent) {
    return new JsonObject().put("id", id(id)).put("ts_utc", DAY + ts).put("agent", agent).put("symbol", symbol)
        .put("score", 1.0).put("label", agent).put("details", new JsonObject());
  }

  private void deployStore(Map<String, String> env) throws Exception {
    await(vertx.deployVerticle(new StoreVerticle(TapewatchConfig.load(TestService.withTestStore(env)).store())));
  }

  private void publish(JsonObject... findings) {
    for (JsonObject f : findings) {
      vertx.eventBus().publish(Addresses.FINDINGS, f);
    }
  }

  private JsonObject ask(JsonObject query) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(Addresses.STORE_FINDINGS_QUERY, query)).body();
  }

  /** The ids answered, as the short numbers they were made from, after checking where the answer came from. */
  private List<Integer> ids(String source, JsonObject query) throws Exception {
    JsonObject answer = ask(query);
    assertEquals(source, answer.getString("source"), query.encode());
    return answer.getJsonArray("findings").stream()
        .map(f -> Integer.parseInt(((JsonObject) f).getString("id").substring(24))).toList();
  }

  private static JsonObject all() {
    return new JsonObject().put("limit", 1000);
  }

  private void awaitIds(String source, List<Integer> expected) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertEquals(expected, ids(source, all())));
  }

  @Test
  void fromMemoryNewestFirstWithTiesByIdAndEveryFilter() throws Exception {
    deployStore(Map.of());
    publish(SEVEN);
    awaitIds("memory", List.of(60, 40, 70, 50, 30, 20, 10));
    assertEquals(List.of(60, 40, 70), ids("memory", new JsonObject().put("limit", 3)));
    assertEquals(List.of(70, 50, 20), ids("memory", all().put("symbol", "ETH-USD")));
    assertEquals(List.of(60, 30, 20), ids("memory", all().put("agent", "liquidity")));
    assertEquals(List.of(60, 40, 70, 50, 30), ids("memory", all().put("since", DAY + "20Z")));
    assertEquals(List.of(40, 70, 50), ids("memory", all().put("since", DAY + "20Z").put("agent", "rvol_spike")));
    assertEquals(List.of(60, 40), ids("memory", new JsonObject().put("limit", 2).put("symbol", "BTC-USD")
        .put("since", DAY + "20Z")));
    assertEquals(List.of(20), ids("memory", all().put("symbol", "ETH-USD").put("agent", "liquidity")));
    assertEquals(List.of(), ids("memory", all().put("since", DAY + "31Z")));
    assertEquals(List.of(), ids("memory", all().put("symbol", "SOL-USD")));
    assertEquals(SEVEN[5], ask(new JsonObject().put("limit", 1)).getJsonArray("findings").getJsonObject(0),
        "the finding as it was published");
  }

  @Test
  void fromMemoryTheFirstToArriveLeavesFirstWhateverItsTime() throws Exception {
    deployStore(Map.of("RECENT_FINDINGS", "10"));
    publish(SEVEN);
    for (int i = 1; i <= 5; i++) {
      publish(finding(80 + i, "4" + i + "Z", "BTC-USD", "rvol_spike"));
    }
    // F1 and F2 arrived first and are gone; F5, older than F2, arrived later and stays.
    awaitIds("memory", List.of(85, 84, 83, 82, 81, 60, 40, 70, 30, 20));
  }

  private static void insertRow(TestDatabase db, int id, String ts, String symbol, String agent, double score)
      throws Exception {
    db.query("INSERT INTO findings (id, ts_utc, agent, symbol, score, label, details) VALUES ('" + id(id) + "', '"
        + DAY + ts + "', '" + agent + "', '" + symbol + "', " + score + ", '" + agent + "', '{}')");
  }

  @Test
  void fromPostgresTheRowsMergedWithWhatIsNotWrittenYet() throws Exception {
    try (TestDatabase db = new TestDatabase()) {
      fromPostgres(db);
      // Stopped before its database is dropped.
      await(vertx.close());
    }
  }

  private void fromPostgres(TestDatabase db) throws Exception {
    AtomicReference<JsonObject> status = new AtomicReference<>();
    await(vertx.eventBus().<JsonObject>localConsumer(Addresses.STORE_STATUS, m -> status.set(m.body())).completion());
    deployStore(Map.of("DATABASE_URL", db.url()));
    // Rows written by other nodes, and one (77) whose write has committed but whose writer has not heard so yet.
    insertRow(db, 11, "10Z", "BTC-USD", "rvol_spike", 1.0);
    insertRow(db, 55, "20Z", "ETH-USD", "liquidity", 1.0);
    insertRow(db, 44, "30Z", "BTC-USD", "liquidity", 1.0);
    insertRow(db, 77, "40Z", "BTC-USD", "rvol_spike", 9.0);
    Pool locker = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(db.url())).using(vertx).build();
    SqlConnection conn = await(locker.getConnection());
    Transaction tx = await(conn.begin());
    try {
      // Reads go on, every insert waits: what is published now stays unwritten.
      await(conn.query("LOCK TABLE findings IN EXCLUSIVE MODE").execute());
      publish(finding(66, "30Z", "BTC-USD", "rvol_spike"),
          finding(22, "25Z", "ETH-USD", "liquidity"),
          finding(33, "05Z", "BTC-USD", "liquidity"),
          finding(77, "40Z", "BTC-USD", "rvol_spike"));
      awaitIds("postgres", List.of(77, 66, 44, 22, 55, 11, 33));
      assertEquals(1.0, ask(new JsonObject().put("limit", 1)).getJsonArray("findings").getJsonObject(0)
          .getDouble("score"), "of a finding both unwritten and in a row, the unwritten copy");
      assertEquals(List.of(77, 66, 44), ids("postgres", new JsonObject().put("limit", 3)));
      assertEquals(List.of(77, 66, 44, 11, 33), ids("postgres", all().put("symbol", "BTC-USD")));
      assertEquals(List.of(22, 55), ids("postgres", all().put("symbol", "ETH-USD")));
      assertEquals(List.of(77, 66, 44, 22), ids("postgres", all().put("since", DAY + "25Z")));
      assertEquals(List.of(44, 22, 55, 33), ids("postgres", all().put("agent", "liquidity")));
      assertEquals(List.of(44, 22), ids("postgres", new JsonObject().put("limit", 2).put("agent", "liquidity")));
      assertEquals(List.of(77, 66), ids("postgres", new JsonObject().put("limit", 2).put("symbol", "BTC-USD")
          .put("since", DAY + "30Z")));
    } finally {
      await(tx.rollback());
      await(conn.close());
      await(locker.close());
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> status.get() != null && status.get().getInteger("buffered") == 0
            && status.get().getLong("written") == 4);
    assertEquals(List.of(77, 66, 44, 22, 55, 11, 33), ids("postgres", all()), "the same once all is written");
    assertEquals(9.0, ask(new JsonObject().put("limit", 1)).getJsonArray("findings").getJsonObject(0)
        .getDouble("score"), "the insert of a finding already stored wrote nothing");
  }
}
