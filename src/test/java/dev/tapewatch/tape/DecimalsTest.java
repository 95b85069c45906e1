package dev.tapewatch.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DecimalsTest {

  private static double read(String s) {
    return Decimals.exactUnsigned("[" + s + "]", 1, s.length() + 1);
  }

  @Test
  void readsWhatItTakesBitForBitAsParseDoubleAndLeavesTheRest() {
    Random random = new Random(3);
    int taken = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder s = new StringBuilder();
      int whole = random.nextInt(18);
      for (int d = 0; d < whole; d++) {
        s.append((char) ('0' + random.nextInt(10)));
      }
      if (whole == 0 || random.nextBoolean()) {
        s.append('.');
        for (int d = 1 + random.nextInt(24); d > 0; d--) {
          s.append((char) ('0' + random.nextInt(10)));
        }
      }
      String text = s.toString();
      double read = read(text);
      if (!Double.isNaN(read)) {
        taken++;
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)), Double.doubleToRawLongBits(read), text);
      }
    }
    assertTrue(taken > 20_000, taken + " taken");
  }

  @Test
  void theLimitsOfExactness() {
    assertEquals(9007199254740992.0, read("9007199254740992"));
    assertTrue(Double.isNaN(read("9007199254740993")), "past 2^53 the digits are no exact double");
    assertEquals(1e-22, read("0.0000000000000000000001"));
    assertTrue(Double.isNaN(read("0.00000000000000000000001")), "past 10^22 the power is no exact double");
    assertEquals(42.0, read("42"));
    assertEquals(0.5, read(".5"));
    for (String refused : new String[] {"", ".", "-1", "+1", "1e3", "1.2.3", "NaN", "1_000"}) {
      assertTrue(Double.isNaN(read(refused)), refused);
    }
  }
}
