package dev.softlabels.annotations;

import com.typesafe.config.Config;
import java.io.Serializable;

/**
 * Where annotation tools' exports hold the image id and the label, which depends on how the task was
 * set up (the template's field names): {@code softlabels.annotations.label-studio}, {@code .mturk} and
 * {@code .toloka}. The annotator and the status always stand in the tool's own fixed columns.
 */
public record ExportFields(String labelStudioImageKey, TableColumns mturk, TableColumns toloka)
    implements Serializable {

  public static final String LABEL_STUDIO_IMAGE_KEY = "softlabels.annotations.label-studio.image-key";

  /** A tool table's image and label column names, and the configuration block that set them. */
  public record TableColumns(String image, String label, String block) implements Serializable {

    static TableColumns from(Config config, String block) {
      return new TableColumns(config.getString(block + ".image-column"), config.getString(block + ".label-column"),
          block);
    }
  }

  static ExportFields from(Config config) {
    return new ExportFields(config.getString(LABEL_STUDIO_IMAGE_KEY),
        TableColumns.from(config, "softlabels.annotations.mturk"),
        TableColumns.from(config, "softlabels.annotations.toloka"));
  }
}
