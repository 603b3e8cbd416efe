package dev.softlabels.aggregate;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.DriverContext;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.truth.TruthInferences;
import dev.softlabels.truth.VoteBlocks;
import dev.softlabels.votes.ClassInference;
import dev.softlabels.votes.RejectionHints;
import dev.softlabels.votes.VotePass;
import dev.softlabels.votes.VoteTally;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AggregateJob} for a small local CSV input, on the driver alone: no Spark session and no
 * Spark job, whose first run in a fresh JVM costs seconds that a few thousand rows do not. The same
 * steps in the same order, the same code where it is plain Java (the reader's records, the vote
 * pass's walk, the label rows, the EM loop, the statistics, the summary), the same outputs:
 * labels/, quarantine/, annotators/ and summary.json, the Parquet tables written by Spark's own
 * write support ({@link DriverContext#parquet}). AggregateDriverPathTest runs both on the same
 * inputs and compares what they write.
 */
final class DriverAggregate {

  private static final Logger LOG = LoggerFactory.getLogger(DriverAggregate.class);

  private DriverAggregate() {}

  /**
   * Whether the run fits on the driver: a local session's run (no cluster to use), no label-quality
   * report (its annotator tables are Spark's), a CSV input of local files of at most
   * softlabels.aggregate.driver-max-bytes (8 MiB: about 250,000 votes, which the driver reads,
   * checks and counts in well under the seconds a cold session's first jobs take; bin/softlabels
   * runs such inputs with the quick JIT for the same reason).
   */
  static boolean fits(DriverContext driver, AggregateSettings settings) {
    HadoopPaths paths = driver.paths();
    return !settings.report()
        && settings.driverMaxBytes() > 0
        && driver.localParallelism().isPresent()
        && paths.qualified(settings.input()).startsWith("file:")
        && paths.exists(settings.input())
        && AnnotationReader.readsOnDriver(paths, settings.source(), settings.input())
        && paths.bytes(settings.input()) <= settings.driverMaxBytes();
  }

  static AggregateSummary run(DriverContext driver, AggregateSettings settings) {
    return AggregateJob.committed(
        driver.paths(), settings, (output, phases) -> write(driver, settings, output, phases));
  }

  private static AggregateSummary write(
      DriverContext driver, AggregateSettings settings, StagedOutput output, PhaseLog phases) {
    HadoopPaths paths = driver.paths();
    LOG.info(
        String.format(
            Locale.ROOT,
            "aggregate: reading %s on the driver (a small local input: no Spark session); %s labels"
                + " per image -> %s",
            settings.input(),
            settings.method().configName(),
            output.target()));
    List<AnnotationReader.ReadRow> raw =
        AnnotationReader.readOnDriver(
            paths, settings.source(), settings.input(), driver.localParallelism().orElseThrow());
    AggregateJob.Classes found =
        AggregateJob.classes(
            settings,
            () ->
                ClassInference.inferOnDriver(
                    raw, settings.source().labelEncoding(), settings.input()),
            phases);
    ClassList classes = found.list();
    VotePass.OnDriver pass =
        VotePass.onDriver(
            raw, classes, settings.source().labelEncoding(), settings.method().posterior());
    VotePass.Tally tally = pass.tally();
    VoteTally.Counts counts = tally.counts();
    List<Row> rejected = pass.rejected();
    List<RejectionHints.LabelCount> unknownLabels = RejectionHints.unknownLabels(rejected, counts);
    AggregateJob.counted(
        phases,
        settings,
        paths,
        tally,
        // A CSV input: no Label Studio export, whose data keys the hints would list.
        () -> RejectionHints.of(settings.source(), counts, unknownLabels, List::of));

    TruthInferences.DriverFit fit = null;
    List<VoteBlocks.ImageLabel> labels;
    if (settings.method().posterior()) {
      fit =
          TruthInferences.fitOnDriver(pass.imageVotes(), classes, settings.method(), settings.em());
      phases.done("%s fitted in %d iterations", settings.method().configName(), fit.iterations());
      labels = fit.labelRows();
    } else {
      labels =
          pass.imageVotes().stream()
              .map(votes -> LabelAggregation.majorityLabel(votes, classes))
              .toList();
    }
    driver
        .parquet()
        .writeValues(
            output.child(AggregateJob.LABELS),
            LabelColumns.labelSchema(
                LabelAggregation.schema(fit == null ? List.of() : fit.imageColumns()),
                settings.method(),
                classes),
            labels.stream().map(LabelAggregation::values).toList());
    LabelStatistics statistics = new LabelStatistics(classes.size(), null);
    labels.forEach(label -> statistics.add(label.row()));
    phases.done("labels written, their statistics summed");
    if (fit != null) {
      driver
          .parquet()
          .writeRows(
              output.child(AggregateJob.ANNOTATORS), fit.annotatorSchema(), fit.annotatorRows());
      phases.done("%,d annotators' parameters written", fit.annotatorCount());
    }
    List<String> warnings =
        fit == null ? List.of() : AggregateJob.checkFit(paths, settings, classes, fit, statistics);
    driver
        .parquet()
        .writeRows(output.child(AggregateJob.QUARANTINE), VotePass.QUARANTINE, rejected);
    phases.done("%,d rejected rows written", counts.quarantined());
    return AggregateJob.writeSummary(
        paths, output, phases, settings, found, counts, unknownLabels, statistics, fit, warnings);
  }
}
