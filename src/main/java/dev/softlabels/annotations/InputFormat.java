package dev.softlabels.annotations;

import dev.softlabels.config.Choices;
import java.util.Locale;

/**
 * The file formats annotation rows are read from: plain rows, or an annotation tool's export
 * (chosen explicitly, never detected).
 */
public enum InputFormat {
  CSV,
  JSON,
  PARQUET,
  /** Decided from the path's extension (for a directory: from the files inside). */
  AUTO,
  /**
   * A Label Studio JSON export ({@link dev.softlabels.annotations.tools.LabelStudioAnnotations}).
   */
  LABEL_STUDIO,
  /**
   * A SageMaker Ground Truth image-classification job's output folder ({@link
   * dev.softlabels.annotations.tools.SageMakerAnnotations}).
   */
  SAGEMAKER_GT,
  /**
   * An Amazon Mechanical Turk batch results CSV ({@link
   * dev.softlabels.annotations.tools.MturkAnnotations}).
   */
  MTURK,
  /** A Toloka pool's results TSV ({@link dev.softlabels.annotations.tools.TolokaAnnotations}). */
  TOLOKA;

  public static InputFormat parse(String value, String key) {
    return Choices.parse(InputFormat.class, value, key);
  }

  /** The format a file name implies, or empty when its extension names none. */
  public static java.util.Optional<InputFormat> fromFileName(String name) {
    String lower =
        name.toLowerCase(Locale.ROOT).replaceAll("\\.(gz|bz2|snappy|zst|lz4|deflate)$", "");
    if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) {
      return java.util.Optional.of(CSV);
    }
    if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return java.util.Optional.of(JSON);
    }
    if (lower.endsWith(".parquet")) {
      return java.util.Optional.of(PARQUET);
    }
    return java.util.Optional.empty();
  }
}
