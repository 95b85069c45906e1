package dev.tapewatch.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.scorecard.ScoredFinding.Outcome;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A store reads the outcomes of a scored finding from their JSON text token by token, the findings kept in memory
 * from their objects: both readings give the same outcomes, and the store's answer the same samples as the JSON.
 */
class ScoredFindingTest {
  private static final List<String> HORIZONS = List.of("1m", "5m", "15m", "60m");

  private static List<Outcome> fromObject(String outcomes) {
    JsonObject finding = new JsonObject().put("agent", "reversal").put("symbol", "BTC-USD").put("label", "reversal_up")
        .put("score", 1.0).put("outcomes", outcomes == null ? null : new JsonObject(outcomes));
    return ScoredFinding.of(Instant.EPOCH, "id", finding, HORIZONS).outcomes();
  }

  private static void assertBothRead(List<Outcome> expected, String outcomes) {
    assertEquals(expected, ScoredFinding.outcomes(outcomes, HORIZONS), "read as text: " + outcomes);
    assertEquals(expected, fromObject(outcomes), "read as an object: " + outcomes);
  }

  @Test
  void eachHorizonAskedInItsOrderNoneButTheResolvedWithAFiniteReturn() {
    assertBothRead(Arrays.asList(null, null, null, null), null);
    assertBothRead(Arrays.asList(new Outcome(10.4, false), null, null, new Outcome(-3, null)),
        "{\"60m\": {\"ret_bps\": -3, \"hit\": null}, \"1m\": {\"hit\": false, \"price\": 30451.94, \"ret_bps\": 10.40},"
            + " \"5m\": {\"missed\": true}, \"15m\": null, \"2h\": {\"ret_bps\": 1, \"hit\": true}}");
    // A return given as text, or none, is no return; a hit that is not a boolean says nothing.
    assertBothRead(Arrays.asList(null, null, new Outcome(100, null), null),
        "{\"1m\": {\"ret_bps\": \"12.5\", \"hit\": true}, \"5m\": {\"price\": null, \"ret_bps\": null},"
            + " \"15m\": {\"extra\": {\"a\": [1, {\"ret_bps\": 2}]}, \"ret_bps\": 1e2, \"hit\": \"yes\"}}");
    // Beyond a double a return is no return; a long integer is its nearest double.
    assertBothRead(Arrays.asList(null, new Outcome(123456789012345678901234567890.0, true), null, null),
        "{\"1m\": {\"ret_bps\": 1e400, \"hit\": true},"
            + " \"5m\": {\"ret_bps\": 123456789012345678901234567890, \"hit\": true}, \"15m\": [], \"60m\": 5}");
    // Of a key given twice the last counts.
    assertBothRead(Arrays.asList(null, new Outcome(2, true), null, null),
        "{\"1m\": {\"ret_bps\": 5, \"ret_bps\": \"x\"}, \"5m\": {\"missed\": true}, \"5m\": {\"ret_bps\": 2,"
            + " \"hit\": false, \"hit\": true}}");
  }

  @Test
  void returnsOfManyDigitsReadToTheSameDouble() {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      String ret = String.format(Locale.ROOT, "%." + random.nextInt(18) + "f", (random.nextDouble() - 0.5)
          * Math.pow(10, random.nextInt(8)));
      String outcomes = "{\"1m\": {\"ret_bps\": " + ret + ", \"hit\": true}}";
      assertEquals(fromObject(outcomes), ScoredFinding.outcomes(outcomes, HORIZONS), outcomes);
    }
  }

  @Test
  void decimalsOnEitherSideOfTheExactQuotientsLimitsReadBitForBitAsParseDoubleReadsThem() {
    Random random = new Random(13);
    for (int i = 0; i < 20_000; i++) {
      int whole = random.nextInt(17);
      int fraction = 1 + random.nextInt(25);
      StringBuilder digits = new StringBuilder(random.nextBoolean() ? "-" : "");
      for (int d = 0; d < Math.max(1, whole); d++) {
        digits.append(d == 0 && whole > 1 ? (char) ('1' + random.nextInt(9)) : (char) ('0' + random.nextInt(10)));
      }
      digits.append('.');
      for (int d = 0; d < fraction; d++) {
        digits.append((char) ('0' + random.nextInt(10)));
      }
      String ret = digits.toString();
      List<Outcome> read = ScoredFinding.outcomes("{\"1m\": {\"ret_bps\": " + ret + "}}", HORIZONS);
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(ret)),
          Double.doubleToRawLongBits(read.get(0).retBps()), ret);
    }
    assertEquals(-0.0, ScoredFinding.outcomes("{\"1m\": {\"ret_bps\": -0.00}}", HORIZONS).get(0).retBps());
    assertEquals(0.0, ScoredFinding.outcomes("{\"1m\": {\"ret_bps\": -0}}", HORIZONS).get(0).retBps());
  }

  @Test
  void theOnePassReadingAgreesWithTheObjectsOverGeneratedOutcomes() {
    Random random = new Random(11);
    int onePass = 0;
    for (int i = 0; i < 20_000; i++) {
      String outcomes = outcomesText(random);
      Outcome[] read = OutcomesText.read(outcomes, HORIZONS);
      if (read != null) {
        onePass++;
        assertEquals(fromObject(outcomes), Arrays.asList(read), outcomes);
      }
      assertEquals(fromObject(outcomes), ScoredFinding.outcomes(outcomes, HORIZONS), outcomes);
    }
    assertTrue(onePass > 15_000, "most outcomes take the one pass: " + onePass);
  }

  /** Outcomes as PostgreSQL (spaces) or Vert.x (none) write them, now and then with what only JSON allows. */
  private static String outcomesText(Random random) {
    String gap = random.nextBoolean() ? " " : "";
    List<String> members = new ArrayList<>();
    for (int k = random.nextInt(6); k > 0; k--) {
      String horizon = List.of("1m", "5m", "15m", "60m", "2h").get(random.nextInt(5));
      members.add("\"" + horizon + "\":" + gap + outcomeText(random, gap));
    }
    return "{" + String.join("," + gap, members) + "}";
  }

  private static String outcomeText(Random random, String gap) {
    int kind = random.nextInt(40);
    if (kind == 0) {
      return List.of("5", "[]", "\"x\"", "true").get(random.nextInt(4));
    }
    if (kind < 5) {
      return "null";
    }
    if (kind < 8) {
      return "{\"missed\":" + gap + "true}";
    }
    List<String> fields = new ArrayList<>();
    fields.add("\"price\":" + gap + numberText(random));
    if (random.nextInt(10) > 0) {
      int ret = random.nextInt(30);
      fields.add("\"ret_bps\":" + gap + (ret == 0 ? "\"12.5\"" : ret == 1 ? "null" : ret == 2 ? "true"
          : numberText(random)));
    }
    if (random.nextInt(10) > 0) {
      fields.add("\"hit\":" + gap + List.of("true", "false", "null", "\"yes\"").get(random.nextInt(4)));
    }
    if (random.nextInt(50) == 0) {
      fields.add(List.of("\"extra\":" + gap + "{\"a\":" + gap + "[1]}", "\"note\":" + gap + "\"a\\\"b\"",
          "\"ret_bps\":" + gap + "-1").get(random.nextInt(3)));
    }
    Collections.shuffle(fields, random);
    return "{" + String.join("," + gap, fields) + "}";
  }

  private static String numberText(Random random) {
    return switch (random.nextInt(12)) {
      case 0 -> "-0";
      case 1 -> "0";
      case 2 -> Long.toString(random.nextLong());
      case 3 -> "1234567890123456789012345";
      case 4 -> String.format(Locale.ROOT, "%de%d", random.nextInt(2000) - 1000, random.nextInt(700) - 350);
      case 5 -> String.format(Locale.ROOT, "%.3E", random.nextGaussian() * 1e5);
      case 6 -> "-0.0";
      default -> String.format(Locale.ROOT, "%." + random.nextInt(18) + "f", random.nextGaussian() * 30);
    };
  }

  @Test
  void theStoresAnswerGivesTheSamplesOfTheJson() {
    List<ScoredFinding> scored = new ArrayList<>();
    List<String> labels = ScorecardTest.HORIZONS.stream().map(h -> h.label()).toList();
    for (JsonObject f : ScorecardTest.findings()) {
      JsonObject outcomes = f.getJsonObject("outcomes");
      scored.add(new ScoredFinding(Instant.parse(f.getString("ts_utc")), f.getString("id"), f.getString("symbol"),
          f.getString("agent"), f.getString("label"), f.getDouble("score"),
          ScoredFinding.outcomes(outcomes == null ? null : outcomes.encode(), labels)));
    }
    // The answer holds the horizons in another order and one more: each sample still finds its own.
    List<String> held = List.of("5m", "15m", "1m");
    List<ScoredFinding> reordered = scored.stream().map(f -> new ScoredFinding(f.ts(), f.id(), f.symbol(),
        f.agent(), f.label(), f.score(), Arrays.asList(f.outcomes().get(1), null, f.outcomes().get(0)))).toList();
    assertEquals(Sample.of(ScorecardTest.findings(), ScorecardTest.HORIZONS),
        Sample.of(new ScoredFindings(held, reordered, "postgres", false), ScorecardTest.HORIZONS));
  }
}
