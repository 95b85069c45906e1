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

  public static RecordedLine of(String line) {
    String first = firstField(line);
    if ("t".equals(first)) {
      return envelope(line);
    }
    return message(line, first);
  }

  private static RecordedLine message(String message, String first) {
    boolean advanced = "channel".equals(first) || !"type".equals(first) && message.contains("\"channel\"");
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
   * The name of the first field of the object the line starts with, or null. Read by hand, as it is read for every
   * line of a replay; a name with an escape in it is left to Jackson.
   */
  private static String firstField(String line) {
    int i = skipSpace(line, 0);
    if (i < line.length() && line.charAt(i) == '{') {
      i = skipSpace(line, i + 1);
      if (i < line.length() && line.charAt(i) == '"') {
        for (int j = i + 1; j < line.length(); j++) {
          char c = line.charAt(j);
          if (c == '"') {
            return line.substring(i + 1, j);
          }
          if (c == '\\') {
            break;
          }
        }
      }
    }
    try (JsonParser p = CoinbaseFields.JSON.createParser(line)) {
      return p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    } catch (IOException e) {
      return null;
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
