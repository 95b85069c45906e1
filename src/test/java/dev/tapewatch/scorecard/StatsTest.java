package dev.tapewatch.scorecard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void wilsonIntervalByHand() {
    // 7 of 10: p = 0.7, z² = 3.8414588; centre = (0.7 + 0.1920729) / 1.3841459 = 0.6444934;
    // half = 1.959964 · √(0.021 + 0.0096036) / 1.3841459 = 0.2477153.
    assertArrayEquals(new double[] {0.3967781, 0.8922087}, Stats.wilson(7, 10), 1e-6);
    // 0 of 5 and 5 of 5: the interval touches the bound on its side and is not degenerate.
    assertArrayEquals(new double[] {0.0, 0.4344825}, Stats.wilson(0, 5), 1e-6);
    assertArrayEquals(new double[] {0.5655175, 1.0}, Stats.wilson(5, 5), 1e-6);
    assertNull(Stats.wilson(0, 0));
  }

  @Test
  void medianAndMean() {
    assertEquals(3.0, Stats.median(new double[] {5, 1, 3}));
    assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
    assertEquals(-1.0, Stats.median(new double[] {-1}));
    assertNull(Stats.median(new double[0]));
    assertEquals(2.5, Stats.mean(new double[] {4, 1, 3, 2}));
    assertNull(Stats.mean(new double[0]));
  }

  @Test
  void theMedianIsWhatTheMiddleOfTheSortedValuesGivesWhateverTheirOrderAndRepeats() {
    Random random = new Random(5);
    for (int round = 0; round < 3000; round++) {
      double[] values = new double[1 + random.nextInt(round < 2900 ? 40 : 20_000)];
      int distinct = 1 + random.nextInt(values.length);
      for (int i = 0; i < values.length; i++) {
        int pick = random.nextInt(distinct);
        values[i] = pick == 0 ? -0.0 : pick == 1 ? 0.0 : Math.round((pick - distinct / 2.0) * 100) / 100.0;
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int mid = sorted.length / 2;
      double expected = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      double[] given = values.clone();
      assertEquals(expected, Stats.median(values), Arrays.toString(given));
      assertArrayEquals(given, values, "the values given are left as they were");
    }
  }
}
