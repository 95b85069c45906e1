package dev.tapewatch.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quick way to a plain decimal gives the very double {@link Double#parseDouble} gives, and the slow way the rest. */
class CoinbaseFieldsTest {

  @Test
  void plainDecimalsAreTheSameDoubleAsParseDouble() {
    Random random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      int digits = 1 + random.nextInt(19);
      StringBuilder b = new StringBuilder();
      for (int d = 0; d < digits; d++) {
        b.append((char) ('0' + random.nextInt(10)));
      }
      int point = random.nextInt(digits + 1);
      String s = point == digits ? b.toString() : b.insert(point, '.').toString();
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)),
          Double.doubleToRawLongBits(CoinbaseFields.decimal(s)), s);
    }
    for (String s : List.of("0.20371215", "65083.66", "0.00000015", "9007199254740993", "0.1", "5.", ".5",
        "123456789012345678901234567890", "0." + "0".repeat(30) + "1")) {
      assertEquals(new BigDecimal(s).doubleValue(), CoinbaseFields.decimal(s), s);
    }
  }
}
