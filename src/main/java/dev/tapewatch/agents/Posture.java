package dev.tapewatch.agents;

/**
 * One symbol's trading posture with the persistence rule: flat → long after {@code persist} consecutive p_up ≥
 * entry, long → flat after {@code persist} consecutive p_up ≤ exit; any other value resets the count.
 */
public final class Posture {
  /** A change of posture: the trend agent names it. */
  public enum Change { ENTERED, EXITED }

  private boolean isLong;
  private int streak;
  private double entryPrice;
  private long sinceMs;

  public static Posture restored(boolean isLong, double entryPrice, long sinceMs) {
    Posture p = new Posture();
    p.isLong = isLong;
    p.entryPrice = entryPrice;
    p.sinceMs = sinceMs;
    return p;
  }

  public Posture copy() {
    Posture p = restored(isLong, entryPrice, sinceMs);
    p.streak = streak;
    return p;
  }

  /** Counts one run; returns the change when the posture changes, else null. */
  public Change step(double pUp, double entry, double exit, int persist, double lastPrice, long nowMs) {
    boolean towardsChange = isLong ? pUp <= exit : pUp >= entry;
    streak = towardsChange ? streak + 1 : 0;
    if (streak < persist) {
      return null;
    }
    streak = 0;
    isLong = !isLong;
    sinceMs = nowMs;
    if (isLong) {
      entryPrice = lastPrice;
      return Change.ENTERED;
    }
    return Change.EXITED;
  }

  public boolean isLong() {
    return isLong;
  }

  public String status() {
    return isLong ? "long" : "flat";
  }

  public int streak() {
    return streak;
  }

  public double entryPrice() {
    return entryPrice;
  }

  public long sinceMs() {
    return sinceMs;
  }
}
