package dev.tapewatch.agents;

/**
 * One symbol's trading posture with the persistence rule: flat → long after {@code persist} consecutive p_up ≥
 * entry, long → flat after {@code persist} consecutive p_up ≤ exit; any other value resets the count.
 */
public final class Posture {
  public static final String ENTER = "enter_long";
  public static final String EXIT = "exit_long";

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

  /** Counts one run; returns {@link #ENTER} or {@link #EXIT} when the posture changes, else null. */
  public String step(double pUp, double entry, double exit, int persist, double lastPrice, long nowMs) {
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
      return ENTER;
    }
    return EXIT;
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
