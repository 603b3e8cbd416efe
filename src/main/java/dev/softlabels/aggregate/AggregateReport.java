package dev.softlabels.aggregate;

import dev.softlabels.labels.ClassList;
import dev.softlabels.quality.AnnotatorTable;
import dev.softlabels.quality.CrowdFigures;
import dev.softlabels.quality.QualityReport;
import dev.softlabels.quality.QualityReports;
import dev.softlabels.quality.ReportSettings;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.truth.TruthInferences;
import dev.softlabels.votes.VotePass;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The label-quality report of an aggregate run: the images' figures summed with the label
 * statistics, every annotator against the images' majority votes from the tallies the vote pass
 * kept (annotator-quality/, one shuffle of annotator-sized tallies), and the rest from the run's
 * summary; written as report.json and report.html.
 */
final class AggregateReport {

  private AggregateReport() {}

  /**
   * The annotator table, written to annotator-quality/, and its part of the report.
   *
   * @param pass a vote pass run with annotator tallies
   */
  static QualityReport.Annotators annotators(
      SparkSession spark,
      VotePass pass,
      TruthInferences.Fit fit,
      ClassList classes,
      ReportSettings settings,
      StagedOutput output) {
    try (AnnotatorTable table =
        AnnotatorTable.of(
            spark,
            pass.annotatorConfusions(),
            classes,
            fit == null ? Map.of() : fit.accuracies())) {
      table.frame().coalesce(1).write().parquet(output.child(QualityReports.ANNOTATORS));
      return table.summary(settings.annotators());
    }
  }

  /**
   * @param crowd the images' figures, summed with the label statistics
   */
  static void write(
      SparkSession spark,
      AggregateSummary summary,
      CrowdFigures crowd,
      QualityReport.Annotators annotators,
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
            crowd.crowd(),
            summary.agreement(),
            annotators,
            em == null
                ? null
                : new QualityReport.Diagnostics(
                    em.iterations(),
                    em.converged(),
                    em.logLikelihoods(),
                    em.warnings(),
                    crowd.changedFromMajority(),
                    crowd.changed(classes)),
            crowd.ambiguous(classes),
            crowd.contested(classes),
            null);
    QualityReports.write(HadoopPaths.of(spark), output.path(), report, settings.images());
  }
}
