package dev.softlabels.quality;

/**
 * What the report suspects of an annotator, each raised by a stated rule over the annotator's
 * confusion against the consensus ({@link AnnotatorQuality#flags}).
 */
public enum AnnotatorFlag {
  ONE_CLASS(
      "one-class",
      "at least 90 % of its votes name one class, which the consensus gives to at most 60 % of"
          + " the same images"),
  SPAMMER(
      "spammer",
      "its labels say almost nothing about the consensus: Cramér's V between them below 0.3"),
  SWAPPER(
      "swapper",
      "its labels do say something about the consensus (Cramér's V at least 0.3), but for a class"
          + " it gave at least 5 times the consensus is another class more than half the time");

  private final String code;
  private final String rule;

  AnnotatorFlag(String code, String rule) {
    this.code = code;
    this.rule = rule;
  }

  public String code() {
    return code;
  }

  /** The rule, for the page and report.json. */
  public String rule() {
    return rule;
  }
}
