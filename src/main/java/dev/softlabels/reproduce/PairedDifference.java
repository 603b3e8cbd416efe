package dev.softlabels.reproduce;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The mean of paired differences (soft − hard, one pair per fold or split, both models scored on
 * the same test images) with its 95 % Student-t interval: pairing removes what the folds themselves
 * differ by, which dwarfs the label types' difference (docs/reproduce.md).
 *
 * @param pairs how many pairs
 * @param mean the mean difference
 * @param low the interval's lower end (NaN with fewer than two pairs)
 * @param high its upper end (NaN with fewer than two pairs)
 */
public record PairedDifference(
    @JsonProperty("pairs") int pairs,
    @JsonProperty("mean") double mean,
    @JsonProperty("low") double low,
    @JsonProperty("high") double high) {

  static final double LEVEL = 0.95;

  /**
   * @param first each pair's first value (soft)
   * @param second each pair's second value (hard), in the same order
   */
  public static PairedDifference of(List<Double> first, List<Double> second) {
    if (first.size() != second.size() || first.isEmpty()) {
      throw new IllegalArgumentException(
          "paired values need equal, non-zero counts: " + first.size() + " and " + second.size());
    }
    int n = first.size();
    double[] differences = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      differences[i] = first.get(i) - second.get(i);
      sum += differences[i];
    }
    double mean = sum / n;
    if (n < 2) {
      return new PairedDifference(n, mean, Double.NaN, Double.NaN);
    }
    double squares = 0;
    for (double difference : differences) {
      squares += (difference - mean) * (difference - mean);
    }
    double standardError = Math.sqrt(squares / (n - 1) / n);
    double half =
        new TDistribution(null, n - 1).inverseCumulativeProbability(0.5 + LEVEL / 2)
            * standardError;
    return new PairedDifference(n, mean, mean - half, mean + half);
  }

  /** Whether the interval lies wholly on one side of zero. */
  public boolean excludesZero() {
    return low > 0 || high < 0;
  }
}
