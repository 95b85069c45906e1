package dev.tapewatch.config;

/** A configuration variable with a value the service cannot run with; the message is the one line printed at start-up. */
public final class ConfigException extends RuntimeException {
  private final String variable;

  public ConfigException(String variable, String shownValue, String acceptedForm) {
    super(variable + "=" + shownValue + " is invalid: expected " + acceptedForm);
    this.variable = variable;
  }

  public String variable() {
    return variable;
  }
}
