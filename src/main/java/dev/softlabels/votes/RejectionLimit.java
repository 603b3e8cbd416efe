package dev.softlabels.votes;

import com.typesafe.config.Config;
import dev.softlabels.config.DataRejected;
import dev.softlabels.config.UserError;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The share of rejected annotation rows above which a run fails instead of writing labels ({@code
 * softlabels.annotations.max-rejected-share}): a wrong class list, column or encoding quarantines
 * most rows, and a scheduler must not take such a run for a success.
 */
public record RejectionLimit(double maxShare) {

  public static final String KEY = "softlabels.annotations.max-rejected-share";

  public RejectionLimit {
    if (!(maxShare >= 0 && maxShare <= 1)) {
      throw new UserError(KEY + " must be between 0 and 1, got " + maxShare);
    }
  }

  public static RejectionLimit from(Config config) {
    return new RejectionLimit(config.getDouble(KEY));
  }

  /**
   * Fails when the rejected share is over the limit or no image is left.
   *
   * @param prefix what the message starts with ("", "night 2026-11-01: ")
   * @param kept what is left as it was, for the message ("out/labels is unchanged")
   * @param hints what the rejected rows say about the fix ({@link RejectionHints#of}; "" for
   *     nothing), asked for only when the check fails
   */
  public void check(
      String prefix, VoteTally.Counts counts, long images, String kept, Supplier<String> hints) {
    double share = counts.read() == 0 ? 0 : (double) counts.quarantined() / counts.read();
    if (share > maxShare) {
      throw new DataRejected(
          String.format(
              Locale.ROOT,
              "%s%,d of %,d rows rejected (%.1f %%: %s), over %s = %s; nothing written, %s (a wrong class list,"
                  + " column or encoding is the usual cause)%s",
              prefix,
              counts.quarantined(),
              counts.read(),
              100 * share,
              reasons(counts.byReason()),
              KEY,
              maxShare,
              kept,
              withSeparator(hints.get())));
    }
    if (images == 0) {
      throw new DataRejected(
          String.format(
              Locale.ROOT,
              "%s%,d rows read and no image has a usable vote; nothing" + " written, %s%s",
              prefix,
              counts.read(),
              kept,
              withSeparator(hints.get())));
    }
  }

  private static String withSeparator(String hints) {
    return hints.isEmpty() ? "" : "; " + hints;
  }

  private static String reasons(Map<String, Long> byReason) {
    return byReason.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d", e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
