package dev.softlabels.votes;

import dev.softlabels.annotations.QuarantineReason;
import java.io.Serializable;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/** Rows used and rows per quarantine reason: what the driver receives of a pass over the votes. */
public final class VoteTally {

  private VoteTally() {}

  /** What the tally found: rows read = used + quarantined, always. */
  public record Counts(long used, SortedMap<String, Long> byReason) {
    public long quarantined() {
      return byReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public long read() {
      return used + quarantined();
    }

    /** These counts and {@code other}'s, summed. */
    public Counts plus(Counts other) {
      SortedMap<String, Long> summed = new TreeMap<>(byReason);
      other.byReason.forEach((reason, rows) -> summed.merge(reason, rows, Long::sum));
      return new Counts(used + other.used, summed);
    }
  }

  /**
   * Counts summed over a pass's rows in a Spark aggregate (one per task, merged on the driver):
   * votes used, and rejected rows per reason.
   */
  public static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] rejected = new long[QuarantineReason.values().length];
    private long used;

    /** A rejected row, by its reason's code. */
    public void rejected(String reason) {
      rejected[QuarantineReason.valueOf(reason.toUpperCase(Locale.ROOT)).ordinal()]++;
    }

    public void used(long votes) {
      used += votes;
    }

    public void merge(Sums other) {
      for (int r = 0; r < rejected.length; r++) {
        rejected[r] += other.rejected[r];
      }
      used += other.used;
    }

    /** Every reason with its count, zeros included. */
    public Counts counts() {
      SortedMap<String, Long> byReason = new TreeMap<>();
      QuarantineReason[] reasons = QuarantineReason.values();
      for (int r = 0; r < reasons.length; r++) {
        byReason.put(reasons[r].code(), rejected[r]);
      }
      return new Counts(used, byReason);
    }
  }
}
