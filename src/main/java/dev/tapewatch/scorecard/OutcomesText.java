package dev.tapewatch.scorecard;

import dev.tapewatch.scorecard.ScoredFinding.Outcome;
import dev.tapewatch.tape.Decimals;
import java.math.BigInteger;
import java.util.List;

/**
 * A finding's outcomes read from their JSON text in one pass over its characters, in the shape the stores write them
 * ({@code {"1m": {"hit": false, "price": 30451.94, "ret_bps": 10.40}, "5m": null}}, with or without spaces): only
 * the returns asked for are parsed, the rest only stepped over. A store reads 100,000 of them per scorecard, where a
 * general parser spent more than the statistics. Whatever else JSON allows (an escape in a string, an outcome that
 * is not an object or null, an object or array inside an outcome, bad JSON) it leaves to the general reader.
 */
final class OutcomesText {
  private final String text;
  private final List<String> horizons;
  private int at;
  private boolean unread;

  private OutcomesText(String text, List<String> horizons) {
    this.text = text;
    this.horizons = horizons;
  }

  /** The outcomes at {@code horizons}, each null unless resolved with a finite return; null when left to another. */
  static Outcome[] read(String text, List<String> horizons) {
    return new OutcomesText(text, horizons).outcomes();
  }

  private Outcome[] outcomes() {
    Outcome[] out = new Outcome[horizons.size()];
    space();
    if (!take('{')) {
      return null;
    }
    space();
    boolean more = !take('}');
    while (more && !unread) {
      int horizon = string();
      int horizonEnd = at - 1;
      space();
      if (unread || !take(':')) {
        return null;
      }
      space();
      Outcome outcome = at < text.length() && text.charAt(at) == '{' ? outcome() : word("null") ? null : refuse();
      for (int i = 0; i < out.length; i++) {
        if (is(horizon, horizonEnd, horizons.get(i))) {
          out[i] = outcome;
        }
      }
      more = next();
    }
    space();
    return unread || at != text.length() ? null : out;
  }

  /** The outcome object at hand: a return given as a number and a hit given as a boolean; of a key twice, the last. */
  private Outcome outcome() {
    at++;
    space();
    double ret = Double.NaN;
    Boolean hit = null;
    boolean more = !take('}');
    while (more && !unread) {
      int name = string();
      boolean isRet = is(name, at - 1, "ret_bps");
      boolean isHit = is(name, at - 1, "hit");
      space();
      if (unread || !take(':')) {
        return refuse();
      }
      space();
      if (isRet && startsNumber()) {
        ret = number(true);
      } else if (isRet) {
        ret = Double.NaN;
        scalar();
      } else if (isHit) {
        hit = word("true") ? Boolean.TRUE : word("false") ? Boolean.FALSE : scalar();
      } else {
        scalar();
      }
      more = next();
    }
    return Double.isFinite(ret) ? new Outcome(ret, hit) : null;
  }

  /** After a member: true after a comma, false after the closing brace. */
  private boolean next() {
    space();
    if (take(',')) {
      space();
      return true;
    }
    if (!take('}')) {
      refuse();
    }
    return false;
  }

  /** Steps over a string, a number or a literal; answers no hit. */
  private Boolean scalar() {
    if (at < text.length() && text.charAt(at) == '"') {
      string();
    } else if (!word("true") && !word("false") && !word("null")) {
      number(false);
    }
    return null;
  }

  /**
   * The number at hand, parsed when {@code wanted} to the double a JSON parser gives it (an integer through its exact
   * value, so that "-0" is 0 as there), else NaN; anything that is not a JSON number is refused.
   */
  private double number(boolean wanted) {
    int start = at;
    take('-');
    if (!take('0') && digits() == 0) {
      return refused();
    }
    boolean integer = true;
    if (take('.')) {
      integer = false;
      if (digits() == 0) {
        return refused();
      }
    }
    if (take('e') || take('E')) {
      integer = false;
      if (!take('+')) {
        take('-');
      }
      if (digits() == 0) {
        return refused();
      }
    }
    if (!wanted) {
      return Double.NaN;
    }
    // An integer is read through its exact value below, so that "-0" is 0 as a JSON parser gives it.
    boolean negative = text.charAt(start) == '-';
    double exact = integer ? Double.NaN : Decimals.exactUnsigned(text, negative ? start + 1 : start, at);
    if (!Double.isNaN(exact)) {
      return negative ? -exact : exact;
    }
    String number = text.substring(start, at);
    if (!integer) {
      return Double.parseDouble(number);
    }
    return number.length() <= 18 ? (double) Long.parseLong(number) : new BigInteger(number).doubleValue();
  }

  private boolean startsNumber() {
    return at < text.length() && (text.charAt(at) == '-' || text.charAt(at) >= '0' && text.charAt(at) <= '9');
  }

  private int digits() {
    int start = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    return at - start;
  }

  /** Steps over a string without escapes, answering where its text starts; refused otherwise. */
  private int string() {
    if (!take('"')) {
      refuse();
      return at;
    }
    int start = at;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '"') {
        at++;
        return start;
      }
      if (c == '\\' || c < ' ') {
        break;
      }
      at++;
    }
    refuse();
    return at;
  }

  /** Whether the text from {@code start} to {@code end} (exclusive) is {@code word}. */
  private boolean is(int start, int end, String word) {
    return !unread && end - start == word.length() && text.regionMatches(start, word, 0, word.length());
  }

  private boolean word(String word) {
    if (text.startsWith(word, at)) {
      at += word.length();
      return true;
    }
    return false;
  }

  private boolean take(char c) {
    if (at < text.length() && text.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  private void space() {
    while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\n' || text.charAt(at) == '\r'
        || text.charAt(at) == '\t')) {
      at++;
    }
  }

  /** Leaves the text to the general reader. */
  private <T> T refuse() {
    unread = true;
    at = text.length();
    return null;
  }

  private double refused() {
    refuse();
    return Double.NaN;
  }
}
