package dev.softlabels.relabel;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.RejectionLimit;
import dev.softlabels.config.UserError;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** Typed, validated {@code softlabels.relabel} with the annotation source of {@code softlabels.annotations}. */
public record RelabelSettings(AnnotationSource source, String state, String batch, LocalDate date,
    int needsAnnotations, int summaryExamples, RejectionLimit rejectionLimit) {

  public RelabelSettings {
    if (state.isBlank()) {
      throw new UserError("no label store given: pass --state DIR (or set softlabels.relabel.state)");
    }
    if (batch.isBlank()) {
      throw new UserError("no batch given: pass --batch PATH (or set softlabels.relabel.batch)");
    }
    if (needsAnnotations < 1 || summaryExamples < 0) {
      throw new UserError("softlabels.relabel.needs-annotations must be >= 1 and summary-examples >= 0");
    }
  }

  public static RelabelSettings from(Config config) {
    Config relabel = config.getConfig("softlabels.relabel");
    return new RelabelSettings(AnnotationSource.from(config), relabel.getString("state"), relabel.getString("batch"),
        date(relabel.getString("date")), relabel.getInt("needs-annotations"), relabel.getInt("summary-examples"),
        RejectionLimit.from(config));
  }

  /** The store alone, for reading it (history, export). */
  public static String state(Config config) {
    String state = config.getString("softlabels.relabel.state");
    if (state.isBlank()) {
      throw new UserError("no label store given: pass --state DIR (or set softlabels.relabel.state)");
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
      throw new UserError("softlabels.relabel.date must be a date like 2026-11-30, got '" + text + "'");
    }
  }
}
