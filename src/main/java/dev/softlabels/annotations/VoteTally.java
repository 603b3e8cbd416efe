package dev.softlabels.annotations;

import static dev.softlabels.annotations.AnnotationReader.RAW_RECORD;
import static dev.softlabels.annotations.AnnotationReader.ROW_ORDER;
import static dev.softlabels.annotations.VoteValidation.REASON;
import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static org.apache.spark.sql.functions.col;

import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Rows used and rows per quarantine reason of classified annotation rows: the driver only receives counts. */
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

    /**
     * The counts of classified rows by a group-by on the reason (at most one row per reason), for
     * rows that are cached anyway and so cheap to aggregate once more.
     */
    public static Counts of(Dataset<Row> classified) {
      SortedMap<String, Long> byReason = new TreeMap<>();
      Stream.of(QuarantineReason.values()).forEach(r -> byReason.put(r.code(), 0L));
      long used = 0;
      for (Row row : classified.groupBy(col(REASON)).count().collectAsList()) {
        if (row.isNullAt(0)) {
          used = row.getLong(1);
        } else {
          byReason.put(row.getString(0), row.getLong(1));
        }
      }
      return new Counts(used, byReason);
    }
  }

  /** The quarantine table's columns of the rejected rows: the row as read, its reason and input order. */
  public static Dataset<Row> rejected(Dataset<Row> classified) {
    return classified.filter(col(REASON).isNotNull())
        .select(col(IMAGE), col(ANNOTATOR), col(LABEL), col(RAW_RECORD), col(REASON), col(ROW_ORDER));
  }
}
