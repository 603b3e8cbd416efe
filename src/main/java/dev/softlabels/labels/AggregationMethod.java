package dev.softlabels.labels;

import dev.softlabels.config.Choices;
import java.util.Locale;

/** How per-image labels are estimated from votes. */
public enum AggregationMethod {
  /** Hard label = majority vote (ties to the lowest class index), soft label = vote fractions. */
  MAJORITY,
  /**
   * Soft label = Dawid–Skene posterior (annotator confusion matrices by EM), hard label its argmax.
   */
  DAWID_SKENE,
  /**
   * Dawid–Skene with one accuracy per annotator, its errors spread evenly over the other classes.
   */
  ONE_COIN,
  /** GLAD (Whitehill et al. 2009): annotator ability × image difficulty. */
  GLAD,
  /**
   * MACE (Hovy et al. 2013): each annotator's probability of spamming, and what it answers when it
   * does.
   */
  MACE,
  /**
   * Wawa: each annotator weighted by its agreement with the majority vote, then the weighted vote.
   */
  WAWA;

  public static AggregationMethod parse(String value, String key) {
    return Choices.parse(AggregationMethod.class, value, key);
  }

  /** Whether the soft label is a model's posterior rather than the vote fractions. */
  public boolean posterior() {
    return this != MAJORITY;
  }

  /** The name used in configuration, summaries and the label table's metadata. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
