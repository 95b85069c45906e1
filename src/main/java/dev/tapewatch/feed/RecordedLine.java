package dev.tapewatch.feed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * What one line of a recorded tape holds, told line by line so that one tape may mix them: a Coinbase Exchange
 * message, an Advanced Trade message, or a line of a recorder that wraps each event in an envelope
 * ({@code {"t":"recv","data":"<message>"}}, {@code {"t":"connect",...}}, also {@code header}, {@code http},
 * {@code send}). The writers put the field that tells first ({@code type}, {@code channel}, {@code t}), so only the
 * first field is peeked at; a line that starts otherwise is Advanced Trade's if it names a {@code channel} anywhere.
 */
public record RecordedLine(Kind kind, String message) {
  public enum Kind {
    /** A Coinbase Exchange ws-feed message (or a line that is nothing readable, left to that parser to count). */
    EXCHANGE,
    /** A Coinbase Advanced Trade websocket message. */
    ADVANCED_TRADE,
    /** A new connection began: what follows counts its own sequence. */
    CONNECTION,
    /** A recorder's line that holds no server message (what it sent, a REST call, its header). */
    NONE
  }

  /** The first field names that tell a line's kind; every other is {@link #OTHER}. */
  private enum FirstField {
    T("t"), TYPE("type"), CHANNEL("channel"), OTHER(null);

    private static final FirstField[] TELLING = {T, TYPE, CHANNEL};
    private final String key;

    FirstField(String key) {
      this.key = key;
    }

    /** The field named by {@code line} from {@code from} to {@code to}. */
    static FirstField named(String line, int from, int to) {
      for (FirstField f : TELLING) {
        if (to - from == f.key.length() && line.startsWith(f.key, from)) {
          return f;
        }
      }
      return OTHER;
    }

    static FirstField named(String name) {
      return name == null ? OTHER : named(name, 0, name.length());
    }
  }

  public static RecordedLine of(String line) {
    FirstField first = firstField(line);
    if (first == FirstField.T) {
      return envelope(line);
    }
    return message(line, first);
  }

  private static RecordedLine message(String message, FirstField first) {
    boolean advanced = first == FirstField.CHANNEL
        || first != FirstField.TYPE && message.contains("\"channel\"");
    return new RecordedLine(advanced ? Kind.ADVANCED_TRADE : Kind.EXCHANGE, message);
  }

  private static RecordedLine envelope(String line) {
    JsonObject envelope;
    try {
      envelope = new JsonObject(line);
    } catch (DecodeException e) {
      return new RecordedLine(Kind.EXCHANGE, line);
    }
    Object data = envelope.getValue("data");
    return switch (String.valueOf(envelope.getValue("t"))) {
      case "recv" -> data instanceof String s ? message(s, firstField(s)) : new RecordedLine(Kind.EXCHANGE, line);
      case "connect" -> new RecordedLine(Kind.CONNECTION, null);
      default -> new RecordedLine(Kind.NONE, null);
    };
  }

  /**
   * The first field of the object the line starts with. Read by hand and compared in place, as it is read for every
   * line of a replay; a name with an escape in it is left to Jackson.
   */
  private static FirstField firstField(String line) {
    int i = skipSpace(line, 0);
    if (i < line.length() && line.charAt(i) == '{') {
      i = skipSpace(line, i + 1);
      if (i < line.length() && line.charAt(i) == '"') {
        for (int j = i + 1; j < line.length(); j++) {
          char c = line.charAt(j);
          if (c == '"') {
            return FirstField.named(line, i + 1, j);
          }
          if (c == '\\') {
            break;
          }
        }
      }
    }
    try (JsonParser p = CoinbaseFields.JSON.createParser(line)) {
      return FirstField.named(p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
          ? p.currentName() : null);
    } catch (IOException e) {
      return FirstField.OTHER;
    }
  }

  private static int skipSpace(String line, int from) {
    int i = from;
    while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
      i++;
    }
    return i;
  }
}
