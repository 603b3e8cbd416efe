package dev.softlabels.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the commands that read annotation rows read them: format, columns and classes (softlabels.annotations). */
final class AnnotationOptions {

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "csv, json, parquet, auto (from the extension), or a tool's export: label-studio, sagemaker-gt, "
          + "mturk, toloka.")
  String format;

  @Option(names = "--image-col", paramLabel = "NAME", description = "The image id column (default image_id).")
  String imageColumn;

  @Option(names = "--annotator-col", paramLabel = "NAME",
      description = "The annotator id column (default annotator_id).")
  String annotatorColumn;

  @Option(names = "--label-col", paramLabel = "NAME", description = "The label column (default label).")
  String labelColumn;

  @Option(names = "--classes", paramLabel = "NAME", split = ",",
      description = "Class names in order (default softlabels.classes, or else inferred from the labels).")
  List<String> classes;

  void addTo(Map<String, Object> options) {
    options.put("softlabels.annotations.format", format);
    options.put("softlabels.annotations.columns.image", imageColumn);
    options.put("softlabels.annotations.columns.annotator", annotatorColumn);
    options.put("softlabels.annotations.columns.label", labelColumn);
    options.put("softlabels.classes", classes);
  }
}
