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
 * {@code report}: also write the label-quality report, as {@code reportSettings} says; {@code
 * driverMaxBytes}: a local CSV input of at most this many bytes is aggregated on the driver alone,
 * with no Spark session (0: never, for any input); {@code driverBucketRows}: the rows of a share of
 * a local Parquet input's images that the driver's majority vote holds at a time.
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
    ReportSettings reportSettings,
    long driverMaxBytes,
    long driverBucketRows) {

  /** The key of {@code driverMaxBytes}. */
  public static final String DRIVER_MAX_BYTES = "softlabels.aggregate.driver-max-bytes";

  /** The key of {@code driverBucketRows}. */
  public static final String DRIVER_BUCKET_ROWS = "softlabels.aggregate.driver-bucket-rows";

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
        ReportSettings.from(config),
        driverMaxBytes(config),
        driverBucketRows(config));
  }

  private static long driverBucketRows(Config config) {
    long rows = config.getLong(DRIVER_BUCKET_ROWS);
    if (rows < 1) {
      throw new UserError(DRIVER_BUCKET_ROWS + " must be 1 or more rows, not " + rows);
    }
    return rows;
  }

  private static long driverMaxBytes(Config config) {
    long bytes = config.getBytes(DRIVER_MAX_BYTES);
    if (bytes < 0) {
      throw new UserError(DRIVER_MAX_BYTES + " must be 0 or more bytes, not " + bytes);
    }
    return bytes;
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
        ReportSettings.from(config),
        driverMaxBytes(config),
        driverBucketRows(config));
  }

  public AggregateSettings withEm(EmSettings other) {
    return new AggregateSettings(
        source,
        input,
        output,
        overwrite,
        method,
        other,
        rejectionLimit,
        report,
        reportSettings,
        driverMaxBytes,
        driverBucketRows);
  }

  public AggregateSettings withReport(boolean write) {
    return new AggregateSettings(
        source,
        input,
        output,
        overwrite,
        method,
        em,
        rejectionLimit,
        write,
        reportSettings,
        driverMaxBytes,
        driverBucketRows);
  }

  public AggregateSettings withMethod(AggregationMethod other) {
    return new AggregateSettings(
        source,
        input,
        output,
        overwrite,
        other,
        em,
        rejectionLimit,
        report,
        reportSettings,
        driverMaxBytes,
        driverBucketRows);
  }
}
