package dev.tapewatch.agents;

import dev.tapewatch.tape.Finding;

import static dev.tapewatch.agents.Snapshots.SYM;
import static dev.tapewatch.agents.Snapshots.T0;
import static dev.tapewatch.agents.Snapshots.at;
import static dev.tapewatch.agents.Snapshots.snap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapewatch.market.MarketSnapshot;
import dev.tapewatch.tape.Timeframe;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * trend_score: z_tf = w_mom·clip(mom/10) + w_vwap·clip(pxvwap/10) + w_rvol·sign(mom)·clip(rvol − 1)
 * + w_flow·clip(signed/volume·3), clip to [−3, 3]; p_tf = 1/(1 + e^(−z)); p_up = Σ m_tf·p_tf. Default weights
 * mom=1.0, vwap=0.5, rvol=0.25, flow=0.5; timeframe weights 1m=0.25, 5m=0.45, 15m=0.30.
 */
class TrendScoreAgentTest {
  static final Map<String, Double> WEIGHTS = Map.of("mom", 1.0, "vwap", 0.5, "rvol", 0.25, "flow", 0.5);
  static final Map<String, Double> MTF = Map.of("1m", 0.25, "5m", 0.45, "15m", 0.30);

  static TrendScoreAgent agent() {
    return new TrendScoreAgent(WEIGHTS, MTF, 0.65, 0.35, 3, 2.5);
  }

  /*
   * Scripted input A, every term clipped or shown unclipped:
   *   1m : mom 45, pxvwap −50, rvol 6, volume 10, signed 2
   *        1.0·clip(4.5)=3  + 0.5·clip(−5)=−1.5  + 0.25·(+1)·clip(5)=0.75  + 0.5·clip(0.6)=0.3      → z = 2.55
   *   5m : mom −12, pxvwap 8, rvol 0.5, volume 20, signed −30
   *        1.0·clip(−1.2)=−1.2 + 0.5·clip(0.8)=0.4 + 0.25·(−1)·clip(−0.5)=0.125 + 0.5·clip(−4.5)=−1.5 → z = −2.175
   *   15m: mom 0, pxvwap 25, rvol 4, volume 0, signed 5
   *        1.0·clip(0)=0  + 0.5·clip(2.5)=1.25  + 0.25·sign(0)=0·clip(3)=0  + 0.5·0 (volume 0 → flow 0)  → z = 1.25
   *   p_1m  = 1/(1+e^−2.55)  = 0.927573514638482
   *   p_5m  = 1/(1+e^2.175)  = 0.102018069189130
   *   p_15m = 1/(1+e^−1.25)  = 0.777299861174691
   *   p_up  = 0.25·0.927573514638482 + 0.45·0.102018069189130 + 0.30·0.777299861174691
   *         = 0.231893378659621 + 0.045908131135109 + 0.233189958352407 = 0.510991468147137
   */
  static MarketSnapshot inputA() {
    return snap()
        .tf(Timeframe.M1, 45, -50, 6, 0.3, 10, 2)
        .tf(Timeframe.M5, -12, 8, 0.5, 0.7, 20, -30)
        .tf(Timeframe.M15, 0, 25, 4, 1.1, 0, 5)
        .build();
  }

  static final double A_P1 = 0.927573514638482;
  static final double A_P5 = 0.102018069189130;
  static final double A_P15 = 0.777299861174691;
  static final double A_PUP = 0.510991468147137;

  /*
   * Scripted input B:
   *   1m : mom 5, pxvwap −3, rvol 1.8, volume 4, signed −1
   *        1.0·clip(0.5)=0.5 + 0.5·clip(−0.3)=−0.15 + 0.25·(+1)·clip(0.8)=0.2 + 0.5·clip(−0.75)=−0.375 → z = 0.175
   *   5m : mom −31, pxvwap −12, rvol 0, volume 7, signed −7
   *        1.0·clip(−3.1)=−3 + 0.5·clip(−1.2)=−0.6 + 0.25·(−1)·clip(−1)=0.25 + 0.5·clip(−3)=−1.5     → z = −4.85
   *   15m: mom 20, pxvwap 40, rvol 2.5, volume 3, signed 1
   *        1.0·clip(2)=2 + 0.5·clip(4)=1.5 + 0.25·(+1)·clip(1.5)=0.375 + 0.5·clip(1)=0.5              → z = 4.375
   *   p_1m  = 1/(1+e^−0.175) = 0.543638687237079
   *   p_5m  = 1/(1+e^4.85)   = 0.007767570078015
   *   p_15m = 1/(1+e^−4.375) = 0.987568349146814
   *   p_up  = 0.25·0.543638687237079 + 0.45·0.007767570078015 + 0.30·0.987568349146814
   *         = 0.135909671809270 + 0.003495406535107 + 0.296270504744044 = 0.435675583088421
   */
  static MarketSnapshot inputB() {
    return snap()
        .tf(Timeframe.M1, 5, -3, 1.8, 0.2, 4, -1)
        .tf(Timeframe.M5, -31, -12, 0, 0.4, 7, -7)
        .tf(Timeframe.M15, 20, 40, 2.5, 0.9, 3, 1)
        .build();
  }

  static final double B_P1 = 0.543638687237079;
  static final double B_P5 = 0.007767570078015;
  static final double B_P15 = 0.987568349146814;
  static final double B_PUP = 0.435675583088421;

  /** Every timeframe at the top of every clip: z = 3 + 1.5 + 0.75 + 1.5 = 6.75, p = 1/(1+e^−6.75). */
  static MarketSnapshot bullish(double price) {
    return snap().price(price)
        .tf(Timeframe.M1, 100, 100, 10, 1, 5, 5)
        .tf(Timeframe.M5, 100, 100, 10, 1, 5, 5)
        .tf(Timeframe.M15, 100, 100, 10, 1, 5, 5)
        .build();
  }

  static final double BULL_PUP = 0.998830489734945;

  /** The mirror image: z = −6.75 on every timeframe. */
  static MarketSnapshot bearish(double price) {
    return snap().price(price)
        .tf(Timeframe.M1, -100, -100, 10, 1, 5, -5)
        .tf(Timeframe.M5, -100, -100, 10, 1, 5, -5)
        .tf(Timeframe.M15, -100, -100, 10, 1, 5, -5)
        .build();
  }

  static final double BEAR_PUP = 0.001169510265056;

  /** All features 0: z = 0, p = 0.5 everywhere, p_up = 0.5. */
  static MarketSnapshot neutral(double price) {
    return snap().price(price).build();
  }

  /** Only momentum on every timeframe, rvol 1 and no volume: z = clip(mom/10), and p_up = 1/(1+e^(−mom/10)). */
  static MarketSnapshot momentumOnly(double momBps, double price) {
    return snap().price(price)
        .tf(Timeframe.M1, momBps, 0, 1, 1, 0, 0)
        .tf(Timeframe.M5, momBps, 0, 1, 1, 0, 0)
        .tf(Timeframe.M15, momBps, 0, 1, 1, 0, 0)
        .build();
  }

  static Finding scoreFinding(List<Finding> findings) {
    Finding f = findings.stream().filter(x -> x.label().equals("trend_score")).findFirst()
        .orElseThrow(() -> new AssertionError("no trend_score finding in " + findings));
    Snapshots.assertAllFinite(f);
    return f;
  }

  @Test
  void nameIsTrendScore() {
    assertEquals("trend_score", agent().name());
  }

  @Test
  void handComputedInputA() {
    List<Finding> out = agent().evaluate(at(inputA(), T0), true);
    assertEquals(1, out.size(), out.toString());
    Finding f = Snapshots.single(out, "trend_score");
    assertEquals("trend_score", f.agent());
    assertEquals(SYM, f.symbol());
    assertEquals(A_PUP, f.score(), 1e-12);
    JsonObject d = f.details();
    assertEquals(A_PUP, d.getDouble("p_up"), 1e-12);
    assertEquals(A_P1, d.getDouble("p_1m"), 1e-12);
    assertEquals(A_P5, d.getDouble("p_5m"), 1e-12);
    assertEquals(A_P15, d.getDouble("p_15m"), 1e-12);
    assertEquals(f.score(), d.getDouble("p_up"));
  }

  @Test
  void handComputedInputB() {
    Finding f = Snapshots.single(agent().evaluate(at(inputB(), T0), true), "trend_score");
    assertEquals(B_PUP, f.score(), 1e-12);
    JsonObject d = f.details();
    assertEquals(B_PUP, d.getDouble("p_up"), 1e-12);
    assertEquals(B_P1, d.getDouble("p_1m"), 1e-12);
    assertEquals(B_P5, d.getDouble("p_5m"), 1e-12);
    assertEquals(B_P15, d.getDouble("p_15m"), 1e-12);
  }

  @Test
  void saturatedInputsStayInsideTheClip() {
    // mom 100 000 bps, rvol 1e6, signed = volume: each term is at its clip, z = 6.75 exactly as with 100 bps
    MarketSnapshot huge = snap()
        .tf(Timeframe.M1, 1e5, 1e5, 1e6, 1, 5, 5)
        .tf(Timeframe.M5, 1e5, 1e5, 1e6, 1, 5, 5)
        .tf(Timeframe.M15, 1e5, 1e5, 1e6, 1, 5, 5)
        .build();
    assertEquals(BULL_PUP, scoreFinding(agent().evaluate(at(huge, T0), true)).score(), 1e-12);
    assertEquals(BULL_PUP, scoreFinding(agent().evaluate(at(bullish(100), T0), true)).score(), 1e-12);
    assertEquals(BEAR_PUP, scoreFinding(agent().evaluate(at(bearish(100), T0), true)).score(), 1e-12);
    assertEquals(0.5, scoreFinding(agent().evaluate(at(neutral(100), T0), true)).score(), 1e-12);
  }

  @Test
  void flowIsZeroWithoutVolume() {
    // signed volume 5 with volume 0 on every timeframe: flow term 0, everything else 0 → p_up = 0.5
    MarketSnapshot m = snap()
        .tf(Timeframe.M1, 0, 0, 0, 0, 0, 5)
        .tf(Timeframe.M5, 0, 0, 0, 0, 0, -5)
        .tf(Timeframe.M15, 0, 0, 0, 0, 0, 5)
        .build();
    // rvol 0 → clip(−1) = −1, but sign(mom 0) = 0 cancels it
    assertEquals(0.5, scoreFinding(agent().evaluate(at(m, T0), true)).score(), 1e-12);
  }

  @Test
  void rvolTermFollowsTheSignOfMomentum() {
    // 1m only: mom −2 → −0.2; rvol 3 → 0.25·(−1)·2 = −0.5; z = −0.7; others z = 0.
    // p_up = 0.25/(1+e^0.7) + 0.45·0.5 + 0.30·0.5 = 0.25·0.331812227831834 + 0.375 = 0.457953056957958
    MarketSnapshot m = snap().tf(Timeframe.M1, -2, 0, 3, 0, 0, 0).build();
    assertEquals(0.457953056957958, scoreFinding(agent().evaluate(at(m, T0), true)).score(), 1e-12);
  }

  @Test
  void detailsCarryPostureStreakAndFeatures() {
    TrendScoreAgent a = agent();
    Finding f = scoreFinding(a.evaluate(at(inputB(), T0), true));
    JsonObject d = f.details();
    for (String k : List.of("p_up", "p_1m", "p_5m", "p_15m", "posture", "streak", "features")) {
      assertTrue(d.containsKey(k), "details miss " + k + ": " + d);
    }
    assertEquals("flat", d.getString("posture"));
    assertEquals(0, d.getInteger("streak"));
    JsonObject features = d.getJsonObject("features");
    assertEquals(-31.0, features.getJsonObject("5m").getDouble("mom_bps"));
    assertEquals(2.5, features.getJsonObject("15m").getDouble("rvol"));
    assertEquals(-1.0, features.getJsonObject("1m").getDouble("signed_volume"));

    // a p_up ≥ entry counts towards entry
    Finding g = scoreFinding(a.evaluate(at(bullish(100), T0 + 15_000), true));
    assertEquals(1, g.details().getInteger("streak"));
    assertEquals("flat", g.details().getString("posture"));
  }

  @Test
  void theReadingCarriesEntryPriceAndSinceOnceLong() {
    TrendScoreAgent a = agent();
    JsonObject flat = scoreFinding(a.evaluate(at(bullish(100), T0), true)).details();
    assertNull(flat.getValue("entry_price"));
    assertNull(flat.getValue("posture_since"), "never changed");
    a.evaluate(at(bullish(101), T0 + 15_000), true);
    JsonObject entered = scoreFinding(a.evaluate(at(bullish(102), T0 + 30_000), true)).details();
    assertEquals("long", entered.getString("posture"));
    assertEquals(102.0, entered.getDouble("entry_price"));
    assertEquals(java.time.Instant.ofEpochMilli(T0 + 30_000).toString(), entered.getString("posture_since"));
    JsonObject later = scoreFinding(a.evaluate(at(bullish(110), T0 + 45_000), true)).details();
    assertEquals(102.0, later.getDouble("entry_price"), "the entry, not the last price");

    TrendScoreAgent restored = agent();
    restored.restorePosture("BTC-USD", "long", 95_000.5, java.time.Instant.parse("2026-11-20T08:00:00Z"));
    JsonObject r = scoreFinding(restored.evaluate(at(bullish(96_000), T0), true)).details();
    assertEquals(95_000.5, r.getDouble("entry_price"));
    assertEquals("2026-11-20T08:00:00Z", r.getString("posture_since"));
  }

  @Test
  void aForgottenSymbolIsFlatAgainAndTrendKeepsNothingToRecall() {
    TrendScoreAgent a = agent();
    a.restorePosture("BTC-USD", "long", 100, java.time.Instant.parse("2026-11-20T08:00:00Z"));
    a.forget("BTC-USD");
    assertEquals("flat", scoreFinding(a.evaluate(at(inputA(), T0), true)).details().getString("posture"));
    assertFalse(a.remembers(), "its posture comes from position_state, not from its findings");
  }

  @Test
  void everyRunWithALastPriceGivesAFinding() {
    TrendScoreAgent a = agent();
    for (int i = 0; i < 5; i++) {
      assertEquals(1, a.evaluate(at(inputA(), T0 + i * 15_000L), true).size());
    }
  }

  @Test
  void noLastPriceNoFinding() {
    MarketSnapshot never = snap().lastTrade(null).build();
    assertEquals(List.of(), agent().evaluate(at(never, T0), true));
  }

  @Test
  void timeframeWeightsAreNormalised() {
    // TS_MTF_WEIGHTS=1m=1,5m=1,15m=2 → 0.25, 0.25, 0.5. Input A:
    // p_up = 0.25·0.927573514638482 + 0.25·0.102018069189130 + 0.5·0.777299861174691 = 0.646047826544249
    Agent a = Snapshots.catalogAgent(Snapshots.config("TS_MTF_WEIGHTS", "1m=1,5m=1,15m=2"), "trend_score");
    assertEquals(0.646047826544249, scoreFinding(a.evaluate(at(inputA(), T0), true)).score(), 1e-12);
    // weights ×10 are the same weights
    Agent b = Snapshots.catalogAgent(Snapshots.config("TS_MTF_WEIGHTS", "1m=2.5,5m=4.5,15m=3"), "trend_score");
    assertEquals(A_PUP, scoreFinding(b.evaluate(at(inputA(), T0), true)).score(), 1e-12);
  }

  @Test
  void defaultConfigurationGivesTheHandComputedValues() {
    Agent a = Snapshots.defaultAgent("trend_score");
    assertEquals(A_PUP, scoreFinding(a.evaluate(at(inputA(), T0), true)).score(), 1e-12);
    assertEquals(B_PUP, scoreFinding(a.evaluate(at(inputB(), T0), true)).score(), 1e-12);
  }

  @Test
  void featureWeightsComeFromTheConfiguration() {
    // TS_WEIGHTS=mom=0,vwap=0,rvol=0,flow=1 on input B: z = clip(flow) only
    //   z_1m = clip(−1/4·3) = −0.75, z_5m = clip(−7/7·3) = −3, z_15m = clip(1/3·3) = 1
    //   p_up = 0.25/(1+e^0.75) + 0.45/(1+e^3) + 0.30/(1+e^−1)
    //        = 0.25·0.320821300824607 + 0.45·0.047425873177567 + 0.30·0.731058578630005 = 0.320864541725058
    Agent a = Snapshots.catalogAgent(Snapshots.config("TS_WEIGHTS", "mom=0,vwap=0,rvol=0,flow=1"), "trend_score");
    assertEquals(0.320864541725058, scoreFinding(a.evaluate(at(inputB(), T0), true)).score(), 1e-12);
  }
}
