package dev.softlabels.annotations;

import static dev.softlabels.annotations.AnnotationReader.ANNOTATOR;
import static dev.softlabels.annotations.AnnotationReader.IMAGE;
import static dev.softlabels.annotations.AnnotationReader.LABEL;
import static dev.softlabels.annotations.AnnotationReader.RAW_RECORD;
import static dev.softlabels.annotations.AnnotationReader.ROW_ORDER;
import static dev.softlabels.annotations.VoteValidation.REASON;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.spark.HadoopPaths;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Annotation rows to per-image hard and soft labels (the paper's majority vote and vote fractions).
 * Writes {@code labels/}, {@code quarantine/} and {@code summary.json} under the output directory.
 * One shuffle (by image); the driver only ever receives per-reason and per-count tallies.
 */
public final class AggregateJob {

  public static final String LABELS = "labels";
  public static final String QUARANTINE = "quarantine";
  public static final String SUMMARY = "summary.json";
  private static final Logger LOG = LoggerFactory.getLogger(AggregateJob.class);

  private AggregateJob() {}

  public static AggregateSummary run(SparkSession spark, AggregateSettings settings) {
    long started = System.nanoTime();
    HadoopPaths paths = HadoopPaths.of(spark);
    paths.requireExists(settings.input(), "input");
    paths.prepareOutput(settings.output(), settings.overwrite(), "output");
    String labelsPath = HadoopPaths.child(settings.output(), LABELS);
    String quarantinePath = HadoopPaths.child(settings.output(), QUARANTINE);

    LOG.info("aggregate: reading {} ({} classes)", settings.input(), settings.classes().size());
    Dataset<Row> raw = AnnotationReader.read(spark, settings.source(), settings.input());
    // Cached after the shuffle so labels, quarantine and tallies come from a single read of the input.
    Dataset<Row> classified = VoteValidation.classify(raw, settings.classes(), settings.source().labelEncoding())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      LOG.info("aggregate: counting votes per image -> {}", labelsPath);
      Dataset<Row> counts = LabelColumns.countVotes(classified.filter(col(REASON).isNull()), settings.classes());
      LabelColumns.derive(counts, settings.classes()).write().parquet(labelsPath);

      LOG.info("aggregate: writing rejected rows -> {}", quarantinePath);
      classified.filter(col(REASON).isNotNull())
          .select(col(IMAGE), col(ANNOTATOR), col(LABEL), col(RAW_RECORD), col(REASON), col(ROW_ORDER))
          .write().parquet(quarantinePath);

      SortedMap<String, Long> byReason = new TreeMap<>();
      Arrays.stream(QuarantineReason.values()).forEach(r -> byReason.put(r.code(), 0L));
      long used = 0;
      for (Row row : classified.groupBy(col(REASON)).count().collectAsList()) {
        if (row.isNullAt(0)) {
          used = row.getLong(1);
        } else {
          byReason.put(row.getString(0), row.getLong(1));
        }
      }
      long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
      AggregateSummary summary = summarise(spark, settings, labelsPath, used, quarantined, byReason, started);
      paths.writeText(HadoopPaths.child(settings.output(), SUMMARY), summary.toJson());
      LOG.info(summary.line());
      return summary;
    } finally {
      classified.unpersist();
    }
  }

  private static AggregateSummary summarise(SparkSession spark, AggregateSettings settings, String labelsPath,
      long used, long quarantined, SortedMap<String, Long> byReason, long started) {
    Dataset<Row> labels = spark.read().parquet(labelsPath);
    Row totals = labels.agg(
        count(lit(1)),
        sum(when(col(LabelColumns.IS_TIE), 1).otherwise(0)),
        sum(when(col(LabelColumns.AGREEMENT).equalTo(1.0), 1).otherwise(0)),
        avg(col(LabelColumns.ENTROPY))).first();
    // One row per distinct annotation count: bounded by the largest count, not by the input size.
    SortedMap<Integer, Long> histogram = new TreeMap<>();
    for (Row row : labels.groupBy(col(LabelColumns.N_ANNOTATIONS)).count().collectAsList()) {
      histogram.put(row.getInt(0), row.getLong(1));
    }
    long images = totals.getLong(0);
    return new AggregateSummary(
        settings.input(),
        settings.output(),
        settings.classes().names(),
        used + quarantined,
        used,
        quarantined,
        byReason,
        images,
        images == 0 ? 0 : totals.getLong(1),
        images == 0 ? 0 : totals.getLong(2),
        images == 0 ? 0.0 : totals.getDouble(3),
        histogram,
        (System.nanoTime() - started) / 1e9);
  }
}
