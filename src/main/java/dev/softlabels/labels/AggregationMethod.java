package dev.softlabels.labels;

import dev.softlabels.config.Choices;
import java.util.Locale;

/** How per-image labels are estimated from votes. */
public enum AggregationMethod {
  /** Hard label = majority vote (ties to the lowest class index), soft label = vote fractions. */
  MAJORITY,
  /** Soft label = Dawid–Skene posterior (annotator confusion matrices by EM), hard label its argmax. */
  DAWID_SKENE;

  public static AggregationMethod parse(String value, String key) {
    return Choices.parse(AggregationMethod.class, value, key);
  }

  /** The name used in configuration, summaries and the label table's metadata. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
