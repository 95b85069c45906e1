package dev.tapewatch.feed;

/** Why an input message was skipped; the lower-case name is the key under {@code malformed} in /health. */
public enum MalformedReason {
  NOT_JSON, MISSING_FIELD, BAD_NUMBER, NON_POSITIVE, BAD_TIME, BAD_SIDE, UNKNOWN_PRODUCT, CROSSED_QUOTE, NON_FINITE;

  public String key() {
    return name().toLowerCase();
  }
}
