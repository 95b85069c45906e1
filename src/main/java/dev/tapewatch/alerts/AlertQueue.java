package dev.tapewatch.alerts;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Messages waiting for their turn at the webhook, at most {@code ALERT_QUEUE_MAX}. Adding to a full queue folds
 * everything waiting and the newcomer into one digest, so a burst costs one request instead of being dropped.
 */
final class AlertQueue {
  private final int max;
  private final Deque<SlackMessage> waiting = new ArrayDeque<>();
  private int alerts;

  AlertQueue(int max) {
    this.max = max;
  }

  /** Queues {@code m}; returns how many alerts were folded into a digest for the first time (0 when there was room). */
  int add(SlackMessage m) {
    alerts += m.alerts();
    if (waiting.size() < max) {
      waiting.add(m);
      return 0;
    }
    List<SlackMessage> all = new ArrayList<>(waiting);
    all.add(m);
    waiting.clear();
    waiting.add(SlackMessage.digest(all));
    // Alerts already inside an earlier digest were counted when it was made.
    return (int) all.stream().filter(x -> !x.isDigest()).count();
  }

  /** The oldest message, or null. */
  SlackMessage poll() {
    SlackMessage m = waiting.poll();
    if (m != null) {
      alerts -= m.alerts();
    }
    return m;
  }

  /** Alerts waiting (a digest counts all it holds). */
  int alerts() {
    return alerts;
  }

  /** Empties the queue; returns the number of alerts it held. */
  int clear() {
    int n = alerts;
    waiting.clear();
    alerts = 0;
    return n;
  }
}
