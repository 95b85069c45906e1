package dev.tapewatch.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one client may hold of the server: a number of connections per address, and time. A connection must bring a
 * complete request head within {@link #HEAD_TIMEOUT_MS} of opening, and once answered its next one within the idle
 * timeout, or it is closed. Both deadlines run from a fixed instant, not from the last byte received, so a client
 * that sends its headers a byte at a time (slowloris) cannot stretch them; while a request is being answered none
 * runs, so a long answer such as the findings stream is never taken for an idle connection. Used on the HTTP
 * verticle's event loop only.
 *
 * <p>A client that stops reading is another matter: closing its connection waits until what was written has gone
 * out, which is never. Such a connection is dropped outright by the server's write-idle timeout
 * ({@link #writeStallTimeoutSec}), which fires when no write has completed for that long.
 */
final class ConnectionGuard {
  static final long HEAD_TIMEOUT_MS = 10_000;
  /**
   * How much longer than the idle timeout a connection may go without a completed write: more than an answer takes
   * to start (run-now waits up to 10 s for the agents) and than the findings stream's ping interval (15 s), so that
   * only a client that stopped reading reaches it.
   */
  static final int WRITE_STALL_GRACE_SEC = 20;

  private final Vertx vertx;
  private final long idleTimeoutMs;
  private final int maxPerAddress;
  private final Map<String, Integer> openByAddress = new HashMap<>();
  private final Map<HttpConnection, Tracked> connections = new HashMap<>();

  /**
   * A connection's deadline and the one timer that enforces it. Keep-alive traffic moves the deadline at every
   * answer; rather than cancelling and scheduling a timer per request, the timer is left running and, when it fires
   * before the deadline it finds, is set again for what remains.
   */
  private static final class Tracked {
    final String address;
    /** When the connection is closed (System.nanoTime), or {@link #NONE} while a request is being answered. */
    long deadlineNanos = NONE;
    long timer = NONE;
    long timerNanos;
    int unanswered;

    Tracked(String address) {
      this.address = address;
    }
  }

  private static final long NONE = -1;

  ConnectionGuard(Vertx vertx, long idleTimeoutMs, int maxPerAddress) {
    this.vertx = vertx;
    this.idleTimeoutMs = idleTimeoutMs;
    this.maxPerAddress = maxPerAddress;
  }

  /** The server's write-idle timeout for an idle timeout of {@code idleTimeoutSec}. */
  static int writeStallTimeoutSec(int idleTimeoutSec) {
    return idleTimeoutSec + WRITE_STALL_GRACE_SEC;
  }

  /** A new connection: closed at once when its address already holds as many as it may, else given its deadline. */
  void opened(HttpConnection connection) {
    String address = connection.remoteAddress().hostAddress();
    int open = openByAddress.getOrDefault(address, 0);
    if (open >= maxPerAddress) {
      connection.close();
      return;
    }
    openByAddress.put(address, open + 1);
    Tracked t = new Tracked(address);
    connections.put(connection, t);
    connection.closeHandler(v -> closed(connection));
    expire(connection, t, HEAD_TIMEOUT_MS);
  }

  /** A request head arrived complete: no deadline runs until it is answered. */
  void requested(HttpServerRequest request) {
    Tracked t = connections.get(request.connection());
    if (t != null) {
      t.unanswered++;
      t.deadlineNanos = NONE;
    }
  }

  /** An answer was sent: once nothing is left to answer, the next request must come within the idle timeout. */
  void answered(HttpConnection connection) {
    Tracked t = connections.get(connection);
    if (t != null && --t.unanswered == 0) {
      expire(connection, t, idleTimeoutMs);
    }
  }

  private void expire(HttpConnection connection, Tracked t, long afterMs) {
    t.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(afterMs);
    if (t.timer != NONE && t.timerNanos > t.deadlineNanos) {
      vertx.cancelTimer(t.timer);
      t.timer = NONE;
    }
    if (t.timer == NONE) {
      arm(connection, t, afterMs);
    }
  }

  private void arm(HttpConnection connection, Tracked t, long afterMs) {
    t.timerNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(afterMs);
    t.timer = vertx.setTimer(afterMs, id -> due(connection, t));
  }

  private void due(HttpConnection connection, Tracked t) {
    t.timer = NONE;
    if (t.deadlineNanos == NONE) {
      return;
    }
    long left = t.deadlineNanos - System.nanoTime();
    if (left <= 0) {
      connection.close();
    } else {
      arm(connection, t, (left + 999_999) / 1_000_000);
    }
  }

  private void closed(HttpConnection connection) {
    Tracked t = connections.remove(connection);
    if (t.timer != NONE) {
      vertx.cancelTimer(t.timer);
    }
    openByAddress.computeIfPresent(t.address, (a, n) -> n == 1 ? null : n - 1);
  }
}
