package dev.softlabels.annotations;

import dev.softlabels.config.Choices;
import dev.softlabels.config.UserError;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code --image-col}, {@code --annotator-col} and {@code --label-col} set for each input
 * format: a plain table's {@code softlabels.annotations.columns.*}, a tool's own field setting
 * ({@link ExportFields}), or nothing, when the tool always keeps that field in one place: such a
 * flag is refused, never ignored.
 */
public final class ColumnFlags {

  public static final String IMAGE = "--image-col";
  public static final String ANNOTATOR = "--annotator-col";
  public static final String LABEL = "--label-col";

  private static final String COLUMNS = "softlabels.annotations.columns.";

  private ColumnFlags() {}

  /**
   * The settings the given flags (null: not given) override for {@code format}.
   *
   * @throws UserError for a flag the format's tool has no use for, naming where that field comes
   *     from
   */
  public static Map<String, String> settings(
      InputFormat format, String image, String annotator, String label) {
    Map<String, String> settings = new LinkedHashMap<>();
    put(settings, format, IMAGE, image);
    put(settings, format, ANNOTATOR, annotator);
    put(settings, format, LABEL, label);
    return settings;
  }

  private static void put(
      Map<String, String> settings, InputFormat format, String flag, String value) {
    if (value != null) {
      settings.put(setting(format, flag), value);
    }
  }

  /** The setting {@code flag} overrides for {@code format}. */
  private static String setting(InputFormat format, String flag) {
    return switch (format) {
      case CSV, JSON, PARQUET, AUTO ->
          COLUMNS
              + switch (flag) {
                case IMAGE -> "image";
                case ANNOTATOR -> "annotator";
                default -> "label";
              };
      case LABEL_STUDIO ->
          switch (flag) {
            case IMAGE -> ExportFields.LABEL_STUDIO_IMAGE_KEY;
            case ANNOTATOR ->
                throw refused(flag, format, "the annotator is each annotation's completed_by");
            default ->
                throw refused(
                    flag,
                    format,
                    "the label is the choice of each annotation's one choices result");
          };
      case SAGEMAKER_GT ->
          switch (flag) {
            case IMAGE ->
                throw refused(
                    flag,
                    format,
                    "the image is the source-ref of each object's output manifest line");
            case ANNOTATOR -> throw refused(flag, format, "the worker is each answer's workerId");
            default -> ExportFields.SAGEMAKER_LABEL_KEY;
          };
      case MTURK ->
          table(ExportFields.MTURK, flag, format, "the worker is always the WorkerId column");
      case TOLOKA ->
          table(
              ExportFields.TOLOKA,
              flag,
              format,
              "the Toloker is always the ASSIGNMENT:worker_id column");
    };
  }

  private static String table(String block, String flag, InputFormat format, String annotator) {
    return switch (flag) {
      case IMAGE -> ExportFields.TableColumns.imageSetting(block);
      case ANNOTATOR -> throw refused(flag, format, annotator);
      default -> ExportFields.TableColumns.labelSetting(block);
    };
  }

  private static UserError refused(String flag, InputFormat format, String where) {
    return new UserError(
        flag
            + " has no meaning with --format "
            + Choices.name(format)
            + ": "
            + where
            + "; leave "
            + flag
            + " out");
  }
}
