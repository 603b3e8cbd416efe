package dev.softlabels.annotations;

import static dev.softlabels.annotations.AnnotationReader.RAW_RECORD;
import static dev.softlabels.annotations.AnnotationReader.ROW_ORDER;
import static dev.softlabels.annotations.VoteValidation.REASON;
import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.spark.Observations;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;

/**
 * Rows used and rows per quarantine reason of classified annotation rows, tallied on the way through
 * the job's own pass over them (a Spark {@link Observation}), so the driver only receives counts.
 */
public final class VoteTally {

  private static final String USED = "used";
  private final Observation observation;

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

  private VoteTally(String name) {
    this.observation = new Observation(name);
  }

  /** A tally of {@code classified} (rows with a reason column) and the same rows, observed. */
  public static VoteTally of(String name) {
    return new VoteTally(name);
  }

  public Dataset<Row> observe(Dataset<Row> classified) {
    Column used = count(when(col(REASON).isNull(), lit(1))).as(USED);
    Column[] byReason = Arrays.stream(QuarantineReason.values())
        .map(r -> count(when(col(REASON).equalTo(r.code()), lit(1))).as(r.code()))
        .toArray(Column[]::new);
    return classified.observe(observation, used, byReason);
  }

  /** The counts, once an action has run over the observed rows (waits for it otherwise). */
  public Counts counts() {
    Map<String, Object> values = Observations.values(observation, "the row tallies");
    SortedMap<String, Long> byReason = new TreeMap<>();
    Stream.of(QuarantineReason.values()).forEach(r -> byReason.put(r.code(), (Long) values.get(r.code())));
    return new Counts((Long) values.get(USED), byReason);
  }

  /** The quarantine table's columns of the rejected rows: the row as read, its reason and input order. */
  public static Dataset<Row> rejected(Dataset<Row> classified) {
    return classified.filter(col(REASON).isNotNull())
        .select(col(IMAGE), col(ANNOTATOR), col(LABEL), col(RAW_RECORD), col(REASON), col(ROW_ORDER));
  }
}
