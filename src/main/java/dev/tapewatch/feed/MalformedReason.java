package dev.tapewatch.feed;

/**
 * Why an input message was skipped; the lower-case name is the key under {@code malformed} in /health. The
 * {@link TradeGate} gives the last three to trades and quotes that parsed but that the market must not see
 * ({@code NON_FINITE} the parser too, for numbers it cannot hold).
 */
public enum MalformedReason {
  NOT_JSON, MISSING_FIELD, BAD_NUMBER, NON_POSITIVE, BAD_TIME, BAD_SIDE, UNKNOWN_PRODUCT, CROSSED_QUOTE,
  NON_FINITE, FUTURE_TIME, TRADE_ID_JUMP;

  public String key() {
    return name().toLowerCase();
  }
}
