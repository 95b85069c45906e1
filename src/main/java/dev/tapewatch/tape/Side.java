package dev.tapewatch.tape;

/** The aggressor (taker) side of a trade. */
public enum Side {
  BUY, SELL;

  public Side opposite() {
    return this == BUY ? SELL : BUY;
  }

  public String wire() {
    return this == BUY ? "buy" : "sell";
  }
}
