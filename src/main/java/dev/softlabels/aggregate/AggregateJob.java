package dev.softlabels.aggregate;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.config.DataRejected;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.quality.QualityReport;
import dev.softlabels.spark.DriverContext;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.OutputFiles;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.truth.EmSettings;
import dev.softlabels.truth.TruthInferences;
import dev.softlabels.votes.ClassInference;
import dev.softlabels.votes.RejectionHints;
import dev.softlabels.votes.VotePass;
import dev.softlabels.votes.VoteTally;
import dev.softlabels.votes.VoteValidation;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Annotation rows to per-image hard and soft labels: the paper's majority vote and vote fractions,
 * or a truth-inference method's posteriors ({@link TruthInferences}). Writes {@code labels/},
 * {@code quarantine/}, {@code summary.json}, for the methods {@code annotators/}, and with {@code
 * report} the label-quality report ({@link AggregateReport}) under the output directory.
 *
 * <p>The input is read once and shuffled once: {@link VotePass} checks every row, applies the
 * duplicate rule and counts each image's votes in one pass, whose small result (a row per image, a
 * row per rejected row) is cached and feeds the counts, labels/, quarantine/ and the summary. The
 * driver only receives counts.
 */
public final class AggregateJob {

  public static final String LABELS = "labels";
  public static final String QUARANTINE = "quarantine";
  public static final String SUMMARY = "summary.json";
  public static final String ANNOTATORS = "annotators";
  private static final Logger LOG = LoggerFactory.getLogger(AggregateJob.class);

  /** summary.json's classes_from for a list the run was given. */
  static final String GIVEN_CLASSES = "given with --classes or softlabels.classes";

  private AggregateJob() {}

  public static AggregateSummary run(SparkSession spark, AggregateSettings settings) {
    return committed(
        HadoopPaths.of(spark),
        settings,
        (output, phases) -> write(spark, settings, output, phases));
  }

  /**
   * {@code write} into the output's staging folder (opened after the input's check, as {@link
   * StagedOutput#directory} checks the output), then the commit.
   */
  static AggregateSummary committed(
      HadoopPaths paths,
      AggregateSettings settings,
      BiFunction<StagedOutput, PhaseLog, AggregateSummary> write) {
    PhaseLog phases = new PhaseLog(LOG, "aggregate", System.nanoTime());
    paths.requireExists(settings.input(), "input");
    try (StagedOutput output =
        StagedOutput.directory(
            paths,
            settings.output(),
            settings.overwrite(),
            "output",
            "aggregate",
            List.of(settings.input()))) {
      AggregateSummary summary = write.apply(output, phases);
      output.commit();
      phases.done("committed %s", settings.output());
      return summary;
    }
  }

  /** The run's class list, and where it came from as summary.json says. */
  record Classes(ClassList list, String origin) {}

  /** The classes given, else those {@code infer} finds (said as a phase). */
  static Classes classes(
      AggregateSettings settings, Supplier<ClassInference.Inferred> infer, PhaseLog phases) {
    Optional<ClassList> given = settings.source().givenClasses();
    if (given.isPresent()) {
      return new Classes(given.get(), GIVEN_CLASSES);
    }
    ClassInference.Inferred inferred = infer.get();
    phases.done("%s", inferred.line());
    return new Classes(inferred.classes(), inferred.origin());
  }

  /**
   * The vote pass's phase line, then the rejection limit's check: a run over it fails here, before
   * anything is written, its line ending with {@code hints}.
   */
  static void counted(
      PhaseLog phases,
      AggregateSettings settings,
      HadoopPaths paths,
      VotePass.Tally tally,
      Supplier<String> hints) {
    VoteTally.Counts counts = tally.counts();
    phases.done(
        "%,d rows read, checked and counted by image: %,d used, %,d quarantined, %,d images",
        counts.read(), counts.used(), counts.quarantined(), tally.images());
    settings.rejectionLimit().check("", counts, tally.images(), unchanged(paths, settings), hints);
  }

  /**
   * Whether {@link #runOnDriver} takes the run: a small CSV input of local files in local mode,
   * without the label-quality report.
   */
  public static boolean fitsOnDriver(DriverContext driver, AggregateSettings settings) {
    return DriverAggregate.fits(driver, settings);
  }

  /**
   * The same run on the driver alone, with no Spark session ({@link DriverAggregate}): the same
   * outputs and summary, seconds sooner in a fresh JVM.
   */
  public static AggregateSummary runOnDriver(DriverContext driver, AggregateSettings settings) {
    return DriverAggregate.run(driver, settings);
  }

  /**
   * Every part of the output into the staging folder; fails before the commit when the data is
   * rejected.
   */
  private static AggregateSummary write(
      SparkSession spark, AggregateSettings settings, StagedOutput output, PhaseLog phases) {
    LOG.info(
        String.format(
            Locale.ROOT,
            "aggregate: reading %s; %s labels per image -> %s",
            settings.input(),
            settings.method().configName(),
            output.target()));
    Dataset<Row> raw = AnnotationReader.read(spark, settings.source(), settings.input());
    Classes found =
        classes(
            settings,
            () -> ClassInference.infer(spark, settings.source(), raw, settings.input()),
            phases);
    ClassList classes = found.list();
    try (VotePass pass =
        VotePass.run(
            VoteValidation.checkRows(raw, classes, settings.source().labelEncoding()),
            HadoopPaths.of(spark).bytes(settings.input()),
            classes,
            settings.method().posterior(),
            settings.report())) {
      VotePass.Tally tally = pass.tally();
      VoteTally.Counts counts = tally.counts();
      List<RejectionHints.LabelCount> unknownLabels =
          RejectionHints.unknownLabels(pass.rejected(), counts);
      counted(
          phases,
          settings,
          HadoopPaths.of(spark),
          tally,
          () ->
              RejectionHints.of(spark, settings.source(), settings.input(), counts, unknownLabels));

      TruthInferences.Fit fit;
      LabelStatistics statistics;
      QualityReport.Annotators annotators = null;
      try (LabelAggregation aggregation =
          LabelAggregation.of(
              spark, pass.imageVotes(), classes, settings.method(), settings.em())) {
        fit = aggregation.fit();
        if (fit != null) {
          phases.done(
              "%s fitted in %d iterations", settings.method().configName(), fit.iterations());
        }
        LabelStatisticsSums sums =
            LabelStatisticsSums.register(
                spark.sparkContext(),
                classes.size(),
                settings.report() ? settings.reportSettings().items() : -1);
        LabelColumns.withClasses(
                LabelColumns.withAggregation(aggregation.labels(sums), settings.method()), classes)
            .coalesce(spark.sparkContext().defaultParallelism())
            .write()
            .parquet(output.child(LABELS));
        statistics = sums.value();
        phases.done(
            "labels written, their statistics%s summed",
            settings.report() ? " and the report's" : "");
        if (fit != null) {
          fit.annotators().coalesce(1).write().parquet(output.child(ANNOTATORS));
          phases.done("%,d annotators' parameters written", fit.annotatorCount());
        }
        if (settings.report()) {
          annotators =
              AggregateReport.annotators(
                  spark, pass, fit, classes, settings.reportSettings(), output);
          phases.done("report: %,d annotators held against the majority vote", annotators.count());
        }
      }
      List<String> warnings =
          fit == null
              ? List.of()
              : checkFit(HadoopPaths.of(spark), settings, classes, fit, statistics);
      pass.rejected()
          .coalesce(OutputFiles.forRows(spark, counts.quarantined()))
          .write()
          .parquet(output.child(QUARANTINE));
      phases.done("%,d rejected rows written", counts.quarantined());
      AggregateSummary summary =
          writeSummary(
              HadoopPaths.of(spark),
              output,
              phases,
              settings,
              found,
              counts,
              unknownLabels,
              statistics,
              fit,
              warnings);
      if (annotators != null) {
        AggregateReport.write(
            spark, summary, statistics.crowd(), annotators, settings.reportSettings(), output);
        phases.done("label-quality report written");
      }
      return summary;
    }
  }

  /**
   * The fit's warnings, each logged; with fail-on-degenerate a flagged fit fails the run before its
   * commit, so nothing is written.
   */
  static List<String> checkFit(
      HadoopPaths paths,
      AggregateSettings settings,
      ClassList classes,
      TruthInferences.Fitted fit,
      LabelStatistics statistics) {
    List<String> warnings =
        FitCheck.warnings(
            classes.names(),
            fit.voteShares(),
            fit.fittedShares(),
            statistics.images(),
            statistics.changedFromMajority(),
            fit.converged(),
            settings.em().maxIterations());
    String method = settings.method().configName();
    warnings.forEach(warning -> LOG.warn("{}: the fit may be degenerate: {}", method, warning));
    if (!warnings.isEmpty() && settings.em().failOnDegenerate()) {
      throw new DataRejected(
          String.format(
              Locale.ROOT,
              "%s's fit may be degenerate: %s; nothing written, %s (%s = "
                  + "true; docs/methods.md#fits-that-are-flagged)",
              method,
              String.join("; ", warnings),
              unchanged(paths, settings),
              EmSettings.FAIL_ON_DEGENERATE));
    }
    return warnings;
  }

  /** What a rejected run says of its output. */
  static String unchanged(HadoopPaths paths, AggregateSettings settings) {
    return paths.exists(settings.output())
        ? settings.output() + " is unchanged"
        : "no output created";
  }

  /** summary.json of the run, written into the staging folder. */
  static AggregateSummary writeSummary(
      HadoopPaths paths,
      StagedOutput output,
      PhaseLog phases,
      AggregateSettings settings,
      Classes classes,
      VoteTally.Counts counts,
      List<RejectionHints.LabelCount> unknownLabels,
      LabelStatistics statistics,
      TruthInferences.Fitted fit,
      List<String> warnings) {
    AggregateSummary summary =
        summary(
            settings,
            classes.list(),
            classes.origin(),
            counts,
            unknownLabels,
            statistics,
            fit,
            warnings,
            phases.seconds());
    paths.writeText(output.child(SUMMARY), summary.toJson());
    phases.done("summary written");
    return summary;
  }

  private static AggregateSummary summary(
      AggregateSettings settings,
      ClassList classes,
      String classesFrom,
      VoteTally.Counts counts,
      List<RejectionHints.LabelCount> unknownLabels,
      LabelStatistics labels,
      TruthInferences.Fitted fit,
      List<String> warnings,
      double seconds) {
    return new AggregateSummary(
        settings.input(),
        settings.output(),
        classes.names(),
        classesFrom,
        settings.method().configName(),
        counts.read(),
        counts.used(),
        counts.quarantined(),
        counts.byReason(),
        unknownLabels,
        labels.images(),
        labels.ties(),
        labels.unanimous(),
        labels.meanEntropy(),
        labels.histogram(),
        labels.agreement().figures(classes.names()),
        seconds,
        fit == null
            ? null
            : new AggregateSummary.EmSummary(
                fit.iterations(),
                fit.converged(),
                fit.logLikelihoods(),
                fit.secondsPerIteration(),
                fit.firstPassSeconds(),
                fit.annotatorCount(),
                labels.changedFromMajority(),
                labels.softTies(),
                labels.softCertain(),
                settings.method() == AggregationMethod.WAWA
                    ? null
                    : settings.em().classPrior(settings.method()).text(),
                boxed(fit.voteShares()),
                boxed(fit.fittedShares()),
                warnings));
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
