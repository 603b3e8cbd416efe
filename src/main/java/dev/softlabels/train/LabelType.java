package dev.softlabels.train;

import dev.softlabels.config.Choices;

/** Which column of the label table is the training target. */
public enum LabelType {
  /** One-hot of hard_label, the majority vote. */
  HARD,
  /** soft_label, the label distribution. */
  SOFT;

  public static LabelType parse(String value, String key) {
    return Choices.parse(LabelType.class, value, key);
  }
}
