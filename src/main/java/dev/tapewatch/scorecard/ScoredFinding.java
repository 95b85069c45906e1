package dev.tapewatch.scorecard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A finding with at least one outcome resolved with a return, as the scorecard reads it: no details, and its outcomes
 * only at the horizons asked, in their order, each null unless resolved with a finite return (pending, missed,
 * return-less). The time and id order it among others (newest first, equal times by id).
 */
public record ScoredFinding(Instant ts, String id, String symbol, String agent, String label, double score,
    List<Outcome> outcomes) {

  /** A return in basis points and the hit as the outcome says it (null when it does not). */
  public record Outcome(double retBps, Boolean hit) {
  }

  private static final JsonFactory JSON = new JsonFactory();

  /** From a finding's JSON as the store keeps it ({@code agent, symbol, score, label, outcomes}). */
  public static ScoredFinding of(Instant ts, String id, JsonObject finding, List<String> horizons) {
    Outcome[] out = new Outcome[horizons.size()];
    JsonObject outcomes = finding.getJsonObject("outcomes");
    for (int i = 0; outcomes != null && i < out.length; i++) {
      if (outcomes.getValue(horizons.get(i)) instanceof JsonObject outcome
          && outcome.getValue("ret_bps") instanceof Number ret && Double.isFinite(ret.doubleValue())) {
        out[i] = new Outcome(ret.doubleValue(), outcome.getValue("hit") instanceof Boolean hit ? hit : null);
      }
    }
    return new ScoredFinding(ts, id, finding.getString("symbol"), finding.getString("agent"),
        finding.getString("label"), finding.getDouble("score", 0.0), fixed(out));
  }

  /**
   * The outcomes at {@code horizons} of a finding's outcomes as JSON text ({@code {horizon: {ret_bps, hit, ...} |
   * {missed: true} | null}}, or null), without building an object of each: what a store reads of 100,000 findings at
   * a time. Reads as {@link #of} does; of a key given twice the last counts.
   */
  public static List<Outcome> outcomes(String json, List<String> horizons) {
    if (json == null) {
      return fixed(new Outcome[horizons.size()]);
    }
    Outcome[] read = OutcomesText.read(json, horizons);
    return fixed(read != null ? read : parsed(json, horizons));
  }

  /** The same token by token, for any JSON. */
  private static Outcome[] parsed(String json, List<String> horizons) {
    Outcome[] out = new Outcome[horizons.size()];
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          int at = horizons.indexOf(p.currentName());
          Outcome outcome = p.nextToken() == JsonToken.START_OBJECT ? outcome(p) : skip(p);
          if (at >= 0) {
            out[at] = outcome;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("outcomes not readable as JSON", e);
    }
    return out;
  }

  /** The outcome whose object the parser has just entered, null unless it has a finite return; leaves it. */
  private static Outcome outcome(JsonParser p) throws IOException {
    double ret = Double.NaN;
    Boolean hit = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("ret_bps".equals(name)) {
        ret = value.isNumeric() ? p.getDoubleValue() : Double.NaN;
      } else if ("hit".equals(name)) {
        hit = value.isBoolean() ? value == JsonToken.VALUE_TRUE : null;
      }
      p.skipChildren();
    }
    return Double.isFinite(ret) ? new Outcome(ret, hit) : null;
  }

  private static Outcome skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  private static List<Outcome> fixed(Outcome[] outcomes) {
    return Collections.unmodifiableList(Arrays.asList(outcomes));
  }
}
