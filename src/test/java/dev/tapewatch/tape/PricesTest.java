package dev.tapewatch.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PricesTest {

  @Test
  void decimalsAreScaledExactly() {
    assertEquals(6_508_366_000_000L, Prices.parse("65083.66"));
    assertEquals(1_000_000L, Prices.parse("0.01"));
    assertEquals(1L, Prices.parse("0.00000001"));
    assertEquals(10_000_000_000_000_000L, Prices.parse("100000000"));
    assertEquals(13_899_102_341_000_000L, Prices.parse("138991023.41"));
    assertEquals(0L, Prices.parse("0"));
    assertEquals(50_000_000L, Prices.parse(".5"));
    assertEquals(500_000_000L, Prices.parse("5."));
    assertEquals(500_000_000L, Prices.parse("005.000000000000"), "zeros past the eighth decimal change nothing");
    // 0.1 + 0.2 is 0.30000000000000004 in doubles; scaled longs add up exactly.
    assertEquals(Prices.parse("0.3"), Prices.parse("0.1") + Prices.parse("0.2"));
    assertEquals(Long.MAX_VALUE, Prices.parse("92233720368.54775807"));
  }

  @Test
  void anythingElseIsInvalid() {
    for (String s : List.of("", ".", "-1", "+1", "1e3", "1E-8", "0x10", "1.2.3", " 1", "1 ", "NaN", "Infinity",
        "1,5", "0.000000001", "92233720368.54775808", "92233720369", "1".repeat(41))) {
      assertEquals(Prices.INVALID, Prices.parse(s), s);
    }
  }

  @Test
  void formatIsTheShortestDecimalAndInvertsParse() {
    assertEquals("65083.66", Prices.format(6_508_366_000_000L));
    assertEquals("0.00000001", Prices.format(1L));
    assertEquals("100000000", Prices.format(10_000_000_000_000_000L));
    assertEquals("0", Prices.format(0L));
    assertEquals("92233720368.54775807", Prices.format(Long.MAX_VALUE));
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long scaled = random.nextLong() & Long.MAX_VALUE;
      String text = Prices.format(scaled);
      assertEquals(scaled, Prices.parse(text), text);
      assertEquals(new BigDecimal(scaled).movePointLeft(8).stripTrailingZeros().toPlainString(), text);
    }
  }
}
