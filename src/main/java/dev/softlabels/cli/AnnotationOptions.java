package dev.softlabels.cli;

import com.typesafe.config.Config;
import dev.softlabels.annotations.ColumnFlags;
import dev.softlabels.annotations.InputFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How the commands that read annotation rows read them: format, columns and classes
 * (softlabels.annotations).
 */
final class AnnotationOptions {

  private static final String FORMAT = "softlabels.annotations.format";

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "csv, json, parquet, auto (from the extension), or a tool's export: label-studio, sagemaker-gt, "
              + "mturk, toloka.")
  String format;

  @Option(
      names = ColumnFlags.IMAGE,
      paramLabel = "NAME",
      description =
          "The image id column (default image_id); with a tool's --format, its own field: label-studio "
              + "the key under data, mturk an Input.* column, toloka an INPUT:* column.")
  String imageColumn;

  @Option(
      names = ColumnFlags.ANNOTATOR,
      paramLabel = "NAME",
      description =
          "The annotator id column (default annotator_id); tools' exports name the annotator themselves.")
  String annotatorColumn;

  @Option(
      names = ColumnFlags.LABEL,
      paramLabel = "NAME",
      description =
          "The label column (default label); with a tool's --format, its own field: sagemaker-gt the "
              + "classifier's name, mturk an Answer.* column, toloka an OUTPUT:* column.")
  String labelColumn;

  @Option(
      names = "--classes",
      paramLabel = "NAME",
      split = ",",
      description =
          "Class names in order (default softlabels.classes, or else inferred from the labels).")
  List<String> classes;

  /**
   * The effective configuration with the command's {@code options} and these: the column flags set
   * the settings of the format in effect (from --format or the configuration), see {@link
   * ColumnFlags}.
   */
  Config load(ConfigOptions config, Map<String, Object> options) {
    Map<String, Object> all = new HashMap<>(options);
    all.put(FORMAT, format);
    all.put("softlabels.classes", classes);
    if (imageColumn == null && annotatorColumn == null && labelColumn == null) {
      return config.load(all);
    }
    InputFormat effective = InputFormat.parse(config.load(all).getString(FORMAT), FORMAT);
    all.putAll(ColumnFlags.settings(effective, imageColumn, annotatorColumn, labelColumn));
    return config.load(all);
  }
}
