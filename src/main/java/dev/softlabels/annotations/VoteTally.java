package dev.softlabels.annotations;

import java.util.SortedMap;

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
  }
}
