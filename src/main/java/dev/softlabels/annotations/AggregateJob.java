package dev.softlabels.annotations;

import static dev.softlabels.annotations.VoteValidation.REASON;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.spark.HadoopPaths;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Annotation rows to per-image hard and soft labels (the paper's majority vote and vote fractions).
 * Writes {@code labels/}, {@code quarantine/} and {@code summary.json} under the output directory.
 *
 * <p>The labels pass reads the input once, shuffles it once (by image) and tallies every row's
 * reason on the way ({@link Observation}), so the driver only receives counts. Rejected rows are
 * rare, so the quarantine pass runs only when the tallies found some, and repeats the duplicate
 * check (the only reason needing a shuffle) only when there were duplicates.
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
    LabelEncoding encoding = settings.source().labelEncoding();

    LOG.info("aggregate: reading {} ({} classes); counting votes per image -> {}",
        settings.input(), settings.classes().size(), labelsPath);
    Dataset<Row> raw = AnnotationReader.read(spark, settings.source(), settings.input());
    VoteTally tally = VoteTally.of("aggregate-tally");
    Dataset<Row> classified = tally.observe(VoteValidation.classify(raw, settings.classes(), encoding));
    Dataset<Row> counts = LabelColumns.countVotes(classified.filter(col(REASON).isNull()), settings.classes());
    LabelColumns.derive(counts, settings.classes()).write().parquet(labelsPath);

    VoteTally.Counts tallied = tally.counts();
    long used = tallied.used();
    SortedMap<String, Long> byReason = tallied.byReason();
    long quarantined = tallied.quarantined();

    LOG.info("aggregate: writing {} rejected rows -> {}", quarantined, quarantinePath);
    Dataset<Row> rejected = byReason.get(QuarantineReason.DUPLICATE_VOTE.code()) > 0
        ? VoteValidation.classify(raw, settings.classes(), encoding)
        : VoteValidation.checkRows(quarantined > 0 ? raw : raw.limit(0), settings.classes(), encoding);
    VoteTally.rejected(rejected).write().parquet(quarantinePath);

    AggregateSummary summary = summarise(spark, settings, labelsPath, used, quarantined, byReason, started);
    paths.writeText(HadoopPaths.child(settings.output(), SUMMARY), summary.toJson());
    LOG.info("aggregate: done in {} s", String.format(Locale.ROOT, "%.1f", summary.seconds()));
    return summary;
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
