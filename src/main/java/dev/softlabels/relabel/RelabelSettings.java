package dev.softlabels.relabel;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.quality.ReportSettings;
import dev.softlabels.votes.RejectionLimit;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Typed, validated {@code softlabels.relabel} with the annotation source of {@code
 * softlabels.annotations}; {@code report}: write the night's label-quality report, as {@code
 * reportSettings} (softlabels.report) says.
 */
public record RelabelSettings(
    AnnotationSource source,
    String state,
    String batch,
    LocalDate date,
    int needsAnnotations,
    int summaryExamples,
    RejectionLimit rejectionLimit,
    LabelStore.CommitPath commits,
    boolean report,
    ReportSettings reportSettings) {

  public RelabelSettings {
    if (state.isBlank()) {
      throw new UserError(
          "no label store given: pass --state DIR (or set softlabels.relabel.state)");
    }
    if (batch.isBlank()) {
      throw new UserError("no batch given: pass --batch PATH (or set softlabels.relabel.batch)");
    }
    if (needsAnnotations < 1 || summaryExamples < 0) {
      throw new UserError(
          "softlabels.relabel.needs-annotations must be >= 1 and summary-examples >= 0");
    }
  }

  public static RelabelSettings from(Config config) {
    Config relabel = config.getConfig("softlabels.relabel");
    requireMajority(relabel.getString("method"));
    return new RelabelSettings(
        AnnotationSource.from(config),
        relabel.getString("state"),
        relabel.getString("batch"),
        date(relabel.getString("date")),
        relabel.getInt("needs-annotations"),
        relabel.getInt("summary-examples"),
        RejectionLimit.from(config),
        LabelStore.CommitPath.from(config),
        relabel.getBoolean("report"),
        ReportSettings.from(config));
  }

  /**
   * Stops unless {@code method} is majority: a night adds its vote counts to the counts the store
   * keeps, and the other methods' models need each annotator's labels, which the store does not
   * keep.
   */
  static void requireMajority(String method) {
    AggregationMethod chosen =
        AggregationMethod.parse(method, "softlabels.relabel.method (--method)");
    if (chosen != AggregationMethod.MAJORITY) {
      String name = chosen.configName();
      throw new UserError(
          "relabel --method "
              + name
              + ": relabel is majority-only, because the label store keeps "
              + "each image's vote counts and the annotators seen, not which label each annotator gave, and "
              + name
              + " fits a model of every annotator's labels; for "
              + name
              + " labels run aggregate --method "
              + name
              + " over all the nights' annotation rows");
    }
  }

  /** The store alone, for reading it (history, export). */
  public static String state(Config config) {
    String state = config.getString("softlabels.relabel.state");
    if (state.isBlank()) {
      throw new UserError(
          "no label store given: pass --state DIR (or set softlabels.relabel.state)");
    }
    return state;
  }

  static LocalDate date(String text) {
    if (text.isBlank()) {
      throw new UserError("no date given: pass --date YYYY-MM-DD (or set softlabels.relabel.date)");
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new UserError(
          "softlabels.relabel.date must be a date like 2026-11-30, got '" + text + "'");
    }
  }
}
