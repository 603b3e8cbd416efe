package dev.softlabels.relabel;

import dev.softlabels.labels.Agreement;
import dev.softlabels.labels.ClassList;
import dev.softlabels.quality.QualityReport;
import dev.softlabels.votes.VoteTally;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * A relabel night's label-quality report: the images the night touched as they are after it, the
 * store's agreement, what the night changed, the trend over every night from the ledger (this one
 * last), and the top of needs-annotations. Made on the driver from the night's figures and the
 * ledger, both bounded by settings and the number of nights.
 */
final class NightReport {

  private NightReport() {}

  /**
   * @param night tonight's ledger entry, before its commit
   * @param earlier the nights applied before, oldest first
   * @param needs the night's needs-annotations ranking, top first
   */
  static QualityReport of(
      Night night,
      List<Night> earlier,
      NightFigures figures,
      List<Row> needs,
      ClassList classes,
      RelabelSettings settings) {
    VoteTally.Counts counts = figures.counts();
    int examples = settings.summaryExamples();
    return new QualityReport(
        "relabel night " + night.date() + " of " + settings.state(),
        classes.names(),
        "majority",
        new QualityReport.Rows(
            counts.read(), counts.used(), counts.quarantined(), counts.byReason()),
        figures.crowd().crowd(),
        night.agreement(),
        null,
        null,
        figures.crowd().ambiguous(classes),
        figures.crowd().contested(classes),
        new QualityReport.NightPart(
            night.date(),
            night.imagesTouched(),
            night.newImages(),
            night.flippedImages(),
            figures.flips(),
            figures.shifts(),
            needs.subList(0, Math.min(examples, needs.size())).stream()
                .map(RelabelJob::asMap)
                .toList(),
            trend(earlier, night)));
  }

  /** Every night's point, oldest first; the store's images are the new images summed so far. */
  static List<QualityReport.TrendPoint> trend(List<Night> earlier, Night tonight) {
    List<Night> nights = new ArrayList<>(earlier);
    nights.add(tonight);
    List<QualityReport.TrendPoint> trend = new ArrayList<>();
    long images = 0;
    for (Night night : nights) {
      images += night.newImages();
      Agreement.Figures agreement = night.agreement();
      trend.add(
          new QualityReport.TrendPoint(
              night.date(),
              images,
              night.imagesTouched(),
              night.flippedImages(),
              agreement == null ? null : agreement.krippendorffAlpha(),
              agreement == null ? null : agreement.fleissKappa(),
              agreement == null ? null : agreement.pairAgreement()));
    }
    return trend;
  }
}
