package dev.softlabels.annotations;

import com.typesafe.config.Config;
import java.io.Serializable;

/**
 * Where annotation tools' exports hold the image id and the label, which depends on how the task
 * was set up (the template's field names): {@code softlabels.annotations.label-studio}, {@code
 * .sagemaker-gt}, {@code .mturk} and {@code .toloka}. The annotator and the status always stand in
 * the tool's own fixed fields.
 */
public record ExportFields(
    String labelStudioImageKey, String sageMakerLabelKey, TableColumns mturk, TableColumns toloka)
    implements Serializable {

  public static final String LABEL_STUDIO_IMAGE_KEY =
      "softlabels.annotations.label-studio.image-key";
  public static final String SAGEMAKER_LABEL_KEY = "softlabels.annotations.sagemaker-gt.label-key";
  public static final String MTURK = "softlabels.annotations.mturk";
  public static final String TOLOKA = "softlabels.annotations.toloka";

  /** A tool table's image and label column names, and the configuration block that set them. */
  public record TableColumns(String image, String label, String block) implements Serializable {

    public static String imageSetting(String block) {
      return block + ".image-column";
    }

    public static String labelSetting(String block) {
      return block + ".label-column";
    }

    static TableColumns from(Config config, String block) {
      return new TableColumns(
          config.getString(imageSetting(block)), config.getString(labelSetting(block)), block);
    }
  }

  static ExportFields from(Config config) {
    return new ExportFields(
        config.getString(LABEL_STUDIO_IMAGE_KEY),
        config.getString(SAGEMAKER_LABEL_KEY),
        TableColumns.from(config, MTURK),
        TableColumns.from(config, TOLOKA));
  }
}
