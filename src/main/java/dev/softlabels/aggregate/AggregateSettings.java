package dev.softlabels.aggregate;

import com.typesafe.config.Config;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.quality.ReportSettings;
import dev.softlabels.truth.EmSettings;
import dev.softlabels.votes.RejectionLimit;

/**
 * Typed, validated settings of the aggregate job ({@code softlabels.aggregate} and the source);
 * {@code report}: also write the label-quality report, as {@code reportSettings} says.
 */
public record AggregateSettings(
    AnnotationSource source,
    String input,
    String output,
    boolean overwrite,
    AggregationMethod method,
    EmSettings em,
    RejectionLimit rejectionLimit,
    boolean report,
    ReportSettings reportSettings) {

  public AggregateSettings {
    if (input.isBlank()) {
      throw new UserError("no input given: pass --input PATH (or set softlabels.aggregate.input)");
    }
    if (output.isBlank()) {
      throw new UserError(
          "no output given: pass --output DIR (or set softlabels.aggregate.output)");
    }
  }

  public static AggregateSettings from(Config config) {
    Config aggregate = config.getConfig("softlabels.aggregate");
    return new AggregateSettings(
        AnnotationSource.from(config),
        aggregate.getString("input"),
        aggregate.getString("output"),
        aggregate.getBoolean("overwrite"),
        AggregationMethod.parse(aggregate.getString("method"), "softlabels.aggregate.method"),
        EmSettings.from(aggregate),
        RejectionLimit.from(config),
        aggregate.getBoolean("report"),
        ReportSettings.from(config));
  }

  /** Majority-vote settings with the EM part from {@code config} (unused by majority). */
  public static AggregateSettings majority(
      Config config, AnnotationSource source, String input, String output) {
    return new AggregateSettings(
        source,
        input,
        output,
        true,
        AggregationMethod.MAJORITY,
        EmSettings.from(config.getConfig("softlabels.aggregate")),
        RejectionLimit.from(config),
        false,
        ReportSettings.from(config));
  }

  public AggregateSettings withEm(EmSettings other) {
    return new AggregateSettings(
        source, input, output, overwrite, method, other, rejectionLimit, report, reportSettings);
  }

  public AggregateSettings withReport(boolean write) {
    return new AggregateSettings(
        source, input, output, overwrite, method, em, rejectionLimit, write, reportSettings);
  }

  public AggregateSettings withMethod(AggregationMethod other) {
    return new AggregateSettings(
        source, input, output, overwrite, other, em, rejectionLimit, report, reportSettings);
  }
}
