package dev.softlabels.annotations;

import static dev.softlabels.annotations.VoteValidation.REASON;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.StagedOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Annotation rows to per-image hard and soft labels: the paper's majority vote and vote fractions, or
 * Dawid–Skene posteriors ({@link DawidSkene}). Writes {@code labels/}, {@code quarantine/},
 * {@code summary.json} and, for Dawid–Skene, {@code annotators/} under the output directory.
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
  public static final String ANNOTATORS = "annotators";
  private static final Logger LOG = LoggerFactory.getLogger(AggregateJob.class);

  private AggregateJob() {}

  public static AggregateSummary run(SparkSession spark, AggregateSettings settings) {
    long started = System.nanoTime();
    HadoopPaths.of(spark).requireExists(settings.input(), "input");
    try (StagedOutput output = StagedOutput.directory(spark, settings.output(), settings.overwrite(), "output",
        List.of(settings.input()))) {
      AggregateSummary summary = write(spark, settings, output, started);
      output.commit();
      LOG.info("aggregate: done in {} s", String.format(Locale.ROOT, "%.1f", summary.seconds()));
      return summary;
    }
  }

  /** Every part of the output into the staging folder; fails before the commit when the data is rejected. */
  private static AggregateSummary write(SparkSession spark, AggregateSettings settings, StagedOutput output,
      long started) {
    String labelsPath = output.child(LABELS);
    String quarantinePath = output.child(QUARANTINE);
    LabelEncoding encoding = settings.source().labelEncoding();

    LOG.info("aggregate: reading {} ({} classes); {} labels per image -> {}",
        settings.input(), settings.classes().size(), settings.method().configName(), output.target());
    Dataset<Row> raw = AnnotationReader.read(spark, settings.source(), settings.input());
    VoteTally tally = VoteTally.of("aggregate-tally");
    Dataset<Row> classified = tally.observe(VoteValidation.classify(raw, settings.classes(), encoding));
    Dataset<Row> votes = classified.filter(col(REASON).isNull());
    DawidSkene.Fit fit;
    try (LabelAggregation aggregation = LabelAggregation.of(votes, settings.classes(), settings.method(),
        settings.dawidSkene())) {
      LabelColumns.withAggregation(aggregation.labels(), settings.method()).write().parquet(labelsPath);
      fit = aggregation.fit();
      if (fit != null) {
        LOG.info("aggregate: {} annotators' confusion matrices -> {}", fit.model().annotators().size(), ANNOTATORS);
        annotatorTable(spark, fit.model()).coalesce(1).write().parquet(output.child(ANNOTATORS));
      }
    }

    VoteTally.Counts tallied = tally.counts();
    long used = tallied.used();
    SortedMap<String, Long> byReason = tallied.byReason();
    long quarantined = tallied.quarantined();

    LOG.info("aggregate: writing {} rejected rows -> {}", quarantined, QUARANTINE);
    Dataset<Row> rejected = byReason.get(QuarantineReason.DUPLICATE_VOTE.code()) > 0
        ? VoteValidation.classify(raw, settings.classes(), encoding)
        : VoteValidation.checkRows(quarantined > 0 ? raw : raw.limit(0), settings.classes(), encoding);
    VoteTally.rejected(rejected).write().parquet(quarantinePath);

    AggregateSummary summary = summarise(spark, settings, labelsPath, used, quarantined, byReason, fit, started);
    settings.rejectionLimit().check("", tallied, summary.images(),
        HadoopPaths.of(spark).exists(settings.output()) ? settings.output() + " is unchanged" : "no output created");
    HadoopPaths.of(spark).writeText(output.child(SUMMARY), summary.toJson());
    return summary;
  }

  /** annotators/: annotator_id, labels, accuracy, confusion (row c: the true class, column j: the label given). */
  static Dataset<Row> annotatorTable(SparkSession spark, DawidSkeneModel model) {
    List<Row> rows = new ArrayList<>();
    model.annotators().forEach((id, estimate) -> rows.add(RowFactory.create(id, estimate.labels(), estimate.accuracy(),
        ConfusionColumn.value(estimate.confusion()))));
    StructType schema = new StructType()
        .add(LabelColumns.ANNOTATOR, DataTypes.StringType, false)
        .add("labels", DataTypes.LongType, false)
        .add("accuracy", DataTypes.DoubleType, false)
        .add(ConfusionColumn.FIELD);
    return spark.createDataFrame(rows, schema);
  }

  private static AggregateSummary summarise(SparkSession spark, AggregateSettings settings, String labelsPath,
      long used, long quarantined, SortedMap<String, Long> byReason, DawidSkene.Fit fit, long started) {
    Dataset<Row> labels = spark.read().parquet(labelsPath);
    Row totals = labels.agg(
        count(lit(1)),
        sum(when(col(LabelColumns.IS_TIE), 1).otherwise(0)),
        sum(when(col(LabelColumns.AGREEMENT).equalTo(1.0), 1).otherwise(0)),
        avg(col(LabelColumns.ENTROPY)),
        sum(when(LabelColumns.argmax(col(LabelColumns.COUNTS)).notEqual(col(LabelColumns.HARD_LABEL)), 1).otherwise(0)))
        .first();
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
        settings.method().configName(),
        used + quarantined,
        used,
        quarantined,
        byReason,
        images,
        images == 0 ? 0 : totals.getLong(1),
        images == 0 ? 0 : totals.getLong(2),
        images == 0 ? 0.0 : totals.getDouble(3),
        histogram,
        (System.nanoTime() - started) / 1e9,
        fit == null ? null : new AggregateSummary.DawidSkeneSummary(fit.iterations(), fit.converged(),
            fit.logLikelihoods(), fit.secondsPerIteration(), fit.model().annotators().size(),
            images == 0 ? 0 : totals.getLong(4)));
  }
}
