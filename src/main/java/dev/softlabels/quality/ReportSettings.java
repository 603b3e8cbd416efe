package dev.softlabels.quality;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;

/**
 * Typed, validated {@code softlabels.report}: how much a quality report lists, and where the
 * thumbnails come from.
 *
 * @param annotators annotators the page's table lists (all are in annotator-quality/)
 * @param items images each of the page's item lists shows
 * @param images a folder holding IMAGE_ID.png, .jpg or .jpeg; blank for no thumbnails
 */
public record ReportSettings(int annotators, int items, String images) {

  public static final String KEY = "softlabels.report.";

  public ReportSettings {
    if (annotators < 0 || items < 0) {
      throw new UserError(
          KEY
              + "annotators and "
              + KEY
              + "items must be >= 0, got "
              + annotators
              + " and "
              + items);
    }
  }

  public static ReportSettings from(Config config) {
    Config report = config.getConfig("softlabels.report");
    return new ReportSettings(
        report.getInt("annotators"), report.getInt("items"), report.getString("images"));
  }
}
