package dev.softlabels.annotations;

import com.typesafe.config.Config;
import java.io.Serializable;

/**
 * Where annotation tools' exports hold the image id and the label, which depends on how the task was
 * set up (the template's field names): {@code softlabels.annotations.label-studio}, {@code .mturk} and
 * {@code .toloka}. The annotator and the status always stand in the tool's own fixed columns.
 */
public record ExportFields(
    String labelStudioImageKey,
    String mturkImageColumn,
    String mturkLabelColumn,
    String tolokaImageColumn,
    String tolokaLabelColumn)
    implements Serializable {

  public static final String LABEL_STUDIO_IMAGE_KEY = "softlabels.annotations.label-studio.image-key";
  public static final String MTURK_IMAGE_COLUMN = "softlabels.annotations.mturk.image-column";
  public static final String MTURK_LABEL_COLUMN = "softlabels.annotations.mturk.label-column";
  public static final String TOLOKA_IMAGE_COLUMN = "softlabels.annotations.toloka.image-column";
  public static final String TOLOKA_LABEL_COLUMN = "softlabels.annotations.toloka.label-column";

  static ExportFields from(Config config) {
    return new ExportFields(
        config.getString(LABEL_STUDIO_IMAGE_KEY),
        config.getString(MTURK_IMAGE_COLUMN),
        config.getString(MTURK_LABEL_COLUMN),
        config.getString(TOLOKA_IMAGE_COLUMN),
        config.getString(TOLOKA_LABEL_COLUMN));
  }
}
