package dev.softlabels.aggregate;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.quality.AnnotatorTable;
import dev.softlabels.quality.CrowdFigures;
import dev.softlabels.quality.QualityReport;
import dev.softlabels.quality.QualityReports;
import dev.softlabels.quality.ReportSettings;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.truth.TruthInferences;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The label-quality report of an aggregate run: the images' figures from one job over the label
 * rows, every annotator against the consensus (annotator-quality/, one shuffle of annotator-sized
 * tallies), and the rest from the run's summary; written as report.json and report.html.
 */
final class AggregateReport {

  private AggregateReport() {}

  /** What the report needs while the aggregation's cached rows are still there. */
  record Parts(CrowdFigures crowd, QualityReport.Annotators annotators) {}

  /**
   * The images' figures and the annotator table, written to annotator-quality/.
   *
   * @param votes the votes the aggregation was made of, with who voted
   */
  static Parts parts(
      SparkSession spark,
      LabelAggregation aggregation,
      JavaRDD<ImageVotes> votes,
      ClassList classes,
      ReportSettings settings,
      StagedOutput output) {
    CrowdFigures crowd =
        aggregation
            .labelRows()
            .aggregate(
                new CrowdFigures(classes.size(), settings.items()),
                CrowdFigures::add,
                CrowdFigures::merge);
    TruthInferences.Fit fit = aggregation.fit();
    try (AnnotatorTable table =
        AnnotatorTable.of(
            spark, aggregation.judged(votes), classes, fit == null ? Map.of() : fit.accuracies())) {
      table.frame().coalesce(1).write().parquet(output.child(QualityReports.ANNOTATORS));
      return new Parts(crowd, table.summary(settings.annotators()));
    }
  }

  static void write(
      SparkSession spark,
      AggregateSummary summary,
      Parts parts,
      ReportSettings settings,
      StagedOutput output) {
    ClassList classes = new ClassList(summary.classes());
    AggregateSummary.EmSummary em = summary.em();
    QualityReport report =
        new QualityReport(
            "aggregate of " + summary.input(),
            summary.classes(),
            summary.method(),
            new QualityReport.Rows(
                summary.rowsRead(),
                summary.rowsUsed(),
                summary.rowsQuarantined(),
                summary.quarantinedByReason()),
            parts.crowd().crowd(),
            summary.agreement(),
            parts.annotators(),
            em == null
                ? null
                : new QualityReport.Diagnostics(
                    em.iterations(),
                    em.converged(),
                    em.logLikelihoods(),
                    em.warnings(),
                    parts.crowd().changedFromMajority(),
                    parts.crowd().changed(classes)),
            parts.crowd().ambiguous(classes),
            parts.crowd().contested(classes),
            null);
    QualityReports.write(HadoopPaths.of(spark), output.path(), report, settings.images());
  }
}
