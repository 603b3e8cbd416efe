package dev.softlabels.dataset;

import dev.softlabels.config.UserError;
import java.io.Serializable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * softlabels.train.label-id-pattern: how the image ids of a label table become the ids of the
 * images they are joined with. Tool exports name an image by its path or URL ({@code
 * /data/upload/3/cat_1.jpg}, {@code s3://bucket/imgs/cat_1.jpg}), an image folder by its file names
 * (image-id-pattern), so without this the two never meet.
 *
 * @param setting the value as given: blank (the ids as they are), {@value #FILE_STEM}, or a regular
 *     expression whose first group is the image id
 * @param regex the regular expression applied, blank for none
 */
public record LabelIdPattern(String setting, String regex) implements Serializable {

  public static final String KEY = "softlabels.train.label-id-pattern";
  public static final String FLAG = "--label-id-pattern";

  /**
   * The named form: the last segment of a path or URL, without its extension, ?query or #fragment.
   */
  public static final String FILE_STEM = "file-stem";

  /**
   * The extension as image-id-pattern's default takes it from a file name, so that both sides
   * agree. A query may not hold a slash: the last slash is taken to end the folders.
   */
  static final String FILE_STEM_REGEX = "^(?:.*/)?([^/?#]+?)(?:\\.[A-Za-z]+)?(?:[?#][^/]*)?$";

  /** The ids as they are. */
  public static final LabelIdPattern NONE = new LabelIdPattern("", "");

  /** Reads a setting's value, refusing one that is no regular expression or has no group. */
  public static LabelIdPattern parse(String setting) {
    if (setting.isBlank()) {
      return NONE;
    }
    String regex = setting.equals(FILE_STEM) ? FILE_STEM_REGEX : setting;
    try {
      if (Pattern.compile(regex).matcher("").groupCount() < 1) {
        throw new UserError(
            KEY
                + " '"
                + setting
                + "' has no group: its first (...) is the image id, e.g. "
                + FLAG
                + " '([^/]+)\\.jpg$', or "
                + FLAG
                + " "
                + FILE_STEM);
      }
    } catch (PatternSyntaxException e) {
      throw new UserError(
          KEY
              + " '"
              + setting
              + "' is not a regular expression ("
              + e.getDescription()
              + " at index "
              + e.getIndex()
              + ")");
    }
    return new LabelIdPattern(setting, regex);
  }

  public boolean maps() {
    return !regex.isEmpty();
  }
}
