package dev.tapewatch.tape;

/** The bar widths tapewatch keeps; {@link #label()} is the suffix used in every JSON key ({@code mom_bps_5m}). */
public enum Timeframe {
  M1("1m", 60_000L), M5("5m", 300_000L), M15("15m", 900_000L);

  private final String label;
  private final long widthMs;

  Timeframe(String label, long widthMs) {
    this.label = label;
    this.widthMs = widthMs;
  }

  public String label() {
    return label;
  }

  public long widthMs() {
    return widthMs;
  }

  /** The timeframe with this label, or null. */
  public static Timeframe ofLabel(String label) {
    for (Timeframe tf : values()) {
      if (tf.label.equals(label)) {
        return tf;
      }
    }
    return null;
  }
}
