package dev.tapewatch.alerts;

/**
 * What an answer of Slack's incoming webhook means for the message: 2xx posted; 429 wait Retry-After seconds and
 * resend; 5xx (or no answer) retry with backoff; any other 4xx (no_service, invalid_token, invalid_payload, ...) is a
 * configuration problem that resending cannot fix.
 */
record SlackOutcome(Kind kind, long waitMs, String error) {
  static final long DEFAULT_RETRY_AFTER_MS = 1000;
  private static final int BODY_MAX = 200;

  enum Kind { DELIVERED, RATE_LIMITED, RETRY, CONFIG_ERROR }

  static SlackOutcome of(int status, String retryAfter, String body) {
    String answer = "webhook answered " + status + (body == null || body.isBlank() ? "" : " " + clip(body.strip()));
    if (status >= 200 && status < 300) {
      return new SlackOutcome(Kind.DELIVERED, 0, null);
    }
    if (status == 429) {
      return new SlackOutcome(Kind.RATE_LIMITED, retryAfterMs(retryAfter), answer);
    }
    if (status >= 400 && status < 500) {
      return new SlackOutcome(Kind.CONFIG_ERROR, 0, answer);
    }
    return new SlackOutcome(Kind.RETRY, 0, answer);
  }

  static SlackOutcome noAnswer(String reason) {
    return new SlackOutcome(Kind.RETRY, 0, reason);
  }

  /** Slack sends whole seconds; an absent or unreadable value (e.g. an HTTP date) means one second. */
  static long retryAfterMs(String header) {
    if (header != null) {
      try {
        double sec = Double.parseDouble(header.strip());
        if (sec >= 0 && sec <= 86_400) {
          return (long) Math.ceil(sec * 1000);
        }
      } catch (NumberFormatException e) {
        // falls through to the default
      }
    }
    return DEFAULT_RETRY_AFTER_MS;
  }

  private static String clip(String s) {
    String line = s.lines().findFirst().orElse("");
    return line.length() <= BODY_MAX ? line : line.substring(0, BODY_MAX) + "…";
  }
}
