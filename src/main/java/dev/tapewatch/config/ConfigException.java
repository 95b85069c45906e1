package dev.tapewatch.config;

/** A configuration variable with a value the service cannot run with; the message is the one line printed at start-up. */
public final class ConfigException extends RuntimeException {
  private final String variable;

  public ConfigException(String variable, String shownValue, String acceptedForm) {
    super(variable + "=" + shownValue + " is invalid: expected " + acceptedForm);
    this.variable = variable;
  }

  /** The value as shown in the message: quoted, with line breaks and other control characters escaped. */
  public static String quote(String raw) {
    StringBuilder b = new StringBuilder("'");
    for (char c : raw.toCharArray()) {
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('\'').toString();
  }

  public String variable() {
    return variable;
  }
}
