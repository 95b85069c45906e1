package dev.tapewatch.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PricesTest {

  @Test
  void decimalsAreScaledExactly() {
    assertEquals(10_000_000L, Prices.parse("0.1"));
    assertEquals(9_501_212_345_678L, Prices.parse("95012.12345678"));
    assertEquals(1_305L, Prices.parse("0.00001305"));
    assertEquals(1L, Prices.parse("0.00000001"));
    assertEquals(1_480_240_000L, Prices.parse("14.8024"));
    assertEquals(500_000_000L, Prices.parse("5"));
    assertEquals(500_000_000L, Prices.parse("5."));
    assertEquals(50_000_000L, Prices.parse(".5"));
    assertEquals(0L, Prices.parse("0.00000000"));
    assertEquals(-250_000_000L, Prices.parse("-2.5"));
  }

  @Test
  void trailingZerosBeyondEightDecimalsAreExactButOtherDigitsAreNot() {
    assertEquals(12_300_000L, Prices.parse("0.123000000000"));
    assertEquals(Prices.INVALID, Prices.parse("0.000000001"));
    assertEquals(Prices.INVALID, Prices.parse("1.123456789"));
  }

  @Test
  void anythingElseIsInvalid() {
    for (String bad : new String[] {"", "-", ".", "-.", "1e5", "1E-3", "+1", "1.2.3", "1,5", " 1", "1 ", "NaN",
        "Infinity", "0x10", "١٢"}) {
      assertEquals(Prices.INVALID, Prices.parse(bad), bad);
    }
  }

  @Test
  void theLargestValueIsAQuarterOfALong() {
    assertEquals(Prices.MAX, Prices.parse(Prices.format(Prices.MAX)));
    assertEquals(Prices.INVALID, Prices.parse(Prices.format(Prices.MAX + 1)));
    assertEquals(Prices.INVALID, Prices.parse("99999999999999999999999"));
    assertEquals("23058430092.13693951", Prices.format(Prices.MAX));
  }

  @Test
  void aSliceOfCharsIsReadInPlace() {
    char[] text = "[\"0.1\",\"123.45\"]".toCharArray();
    assertEquals(10_000_000L, Prices.parse(text, 2, 3));
    assertEquals(12_345_000_000L, Prices.parse(text, 8, 6));
  }

  @Test
  void formatGivesThePlainDecimalWithoutTrailingZeros() {
    assertEquals("0.1", Prices.format(10_000_000L));
    assertEquals("5", Prices.format(500_000_000L));
    assertEquals("0.00001305", Prices.format(1_305L));
    assertEquals("0.00000001", Prices.format(1L));
    assertEquals("95012.1", Prices.format(9_501_210_000_000L));
    assertEquals("0", Prices.format(0L));
    assertEquals("-2.5", Prices.format(-250_000_000L));
    for (String s : new String[] {"0.1", "14.8024", "0.00620125", "95012.12345678", "3"}) {
      assertEquals(s, Prices.format(Prices.parse(s)));
    }
  }

  @Test
  void toDoubleIsTheDoubleNearestTheDecimal() {
    for (String s : new String[] {"0.1", "0.3", "14.8024", "0.00620125", "95012.12345678", "0.00000001",
        "90071992.54740991"}) {
      assertEquals(Double.parseDouble(s), Prices.toDouble(Prices.parse(s)), s);
    }
  }
}
