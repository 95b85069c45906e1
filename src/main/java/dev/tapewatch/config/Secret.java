package dev.tapewatch.config;

import java.util.Objects;

/** A configuration value that must never reach a log line or a response; only {@link #reveal()} gives it out. */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "<redacted>";
  }
}
