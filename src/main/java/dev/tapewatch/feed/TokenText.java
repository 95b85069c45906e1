package dev.tapewatch.feed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tapewatch.tape.Prices;
import java.io.IOException;
import java.util.Arrays;

/**
 * The text of the token a Jackson parser is at, seen in place as a {@link CharSequence} (no String made), for the
 * tens of thousands of book levels of a snapshot. Valid until the parser moves on; one per reader, reused.
 */
final class TokenText implements CharSequence {
  private char[] chars = new char[0];
  private int offset;
  private int length;

  /**
   * Points at the current token's text when it is a string (or, with {@code numbers}, a JSON number); otherwise skips
   * the value and answers false.
   */
  boolean of(JsonParser p, JsonToken value, boolean numbers) throws IOException {
    if (value == JsonToken.VALUE_STRING || numbers && (value == JsonToken.VALUE_NUMBER_INT
        || value == JsonToken.VALUE_NUMBER_FLOAT)) {
      chars = p.getTextCharacters();
      offset = p.getTextOffset();
      length = p.getTextLength();
      return true;
    }
    p.skipChildren();
    return false;
  }

  boolean is(String s) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }

  /** The text as an exact scaled price, or {@link Prices#INVALID}: see {@link Prices#parse(char[], int, int)}. */
  long price() {
    return Prices.parse(chars, offset, length);
  }

  /** Whether the text is the first {@code n} characters of {@code other}. */
  boolean sameAs(char[] other, int n) {
    return n == length && Arrays.equals(chars, offset, offset + length, other, 0, n);
  }

  /** The text, copied into {@code into} when it fits, else into a new array. */
  char[] copy(char[] into) {
    char[] out = into.length >= length ? into : new char[length];
    System.arraycopy(chars, offset, out, 0, length);
    return out;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    return chars[offset + index];
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    return new String(chars, offset, length);
  }
}
