package dev.softlabels.annotations;

import dev.softlabels.config.Choices;

/** How the label column of an annotation row names its class. */
public enum LabelEncoding {
  /** A class name from softlabels.classes. */
  NAME,
  /** A 0-based index into softlabels.classes. */
  INDEX,
  /** A class name when it matches one, otherwise a 0-based index. */
  AUTO;

  public static LabelEncoding parse(String value, String key) {
    return Choices.parse(LabelEncoding.class, value, key);
  }
}
