package dev.softlabels.annotations;

import dev.softlabels.config.Choices;

/**
 * How the label column of an annotation row names its class. Names and indices are never mixed:
 * read as names, a stray digit that names no class is quarantined as unknown_class rather than
 * taken for the class at that index (with classes cat,dog,fox a "1" is not dog; with classes 1,2,3
 * a "0" is not "1").
 */
public enum LabelEncoding {
  /** A class name from softlabels.classes (the default). */
  NAME,
  /** A 0-based index into softlabels.classes. */
  INDEX,
  /**
   * The same as {@link #NAME}, kept so that configurations naming it still load. It once fell back
   * to reading a label as an index when it named no class, which turned stray digits into classes.
   */
  AUTO;

  public static LabelEncoding parse(String value, String key) {
    return Choices.parse(LabelEncoding.class, value, key);
  }
}
