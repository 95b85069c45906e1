package dev.tapewatch.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AlertQueueTest {
  private static SlackMessage alert(String symbol) {
    return SlackMessage.of(AlertVerticleTest.rvol(symbol, 5.0), false, TrackRecord.NONE);
  }

  @Test
  void withRoomMessagesWaitInOrder() {
    AlertQueue q = new AlertQueue(3);
    assertEquals(0, q.add(alert("A")));
    assertEquals(0, q.add(alert("B")));
    assertEquals(2, q.alerts());
    assertEquals("A rvol_spike 5", q.poll().lines().get(0));
    assertEquals("B rvol_spike 5", q.poll().lines().get(0));
    assertNull(q.poll());
    assertEquals(0, q.alerts());
  }

  @Test
  void aFullQueueFoldsEverythingIntoOneDigestCountingEachAlertOnce() {
    AlertQueue q = new AlertQueue(2);
    q.add(alert("A"));
    q.add(alert("B"));
    assertEquals(3, q.add(alert("C")));
    assertEquals(3, q.alerts());
    q.add(alert("D"));
    assertEquals(2, q.add(alert("E")), "A, B and C were counted when their digest was made");
    SlackMessage digest = q.poll();
    assertEquals(5, digest.alerts());
    assertEquals("5 alerts: A rvol_spike 5; B rvol_spike 5; C rvol_spike 5; D rvol_spike 5; E rvol_spike 5",
        digest.payload().getString("text"));
    assertNull(q.poll());
  }

  @Test
  void aQueueOfOneStillNeverLosesAnAlert() {
    AlertQueue q = new AlertQueue(1);
    q.add(alert("A"));
    assertEquals(2, q.add(alert("B")));
    assertEquals(1, q.add(alert("C")));
    assertEquals(3, q.poll().alerts());
  }

  @Test
  void clearReturnsTheAlertsItHeld() {
    AlertQueue q = new AlertQueue(2);
    q.add(alert("A"));
    q.add(alert("B"));
    q.add(alert("C"));
    q.add(alert("D"));
    assertEquals(4, q.clear());
    assertEquals(0, q.alerts());
    assertNull(q.poll());
  }
}
