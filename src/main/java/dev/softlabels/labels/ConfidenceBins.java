package dev.softlabels.labels;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * A reliability diagram's data: predictions grouped by their confidence (the largest predicted
 * probability) into {@link Metrics#ECE_BINS} equal-width bins, with per bin the images, the sum of
 * their confidences and how many were correct (predicted class = true class). Bins keep sums rather
 * than means so that an empty bin stays a plain zero, and its JSON has no NaN: its mean confidence
 * and accuracy are null there.
 */
public record ConfidenceBins(@JsonProperty("bins") List<Bin> bins) {

  public ConfidenceBins {
    bins = List.copyOf(bins);
  }

  /**
   * Bin b holds confidences in [lower, upper) (the last one 1.0 too).
   *
   * @param correctSum correct predictions, a double as Spark sums them
   */
  public record Bin(
      @JsonProperty("lower") double lower,
      @JsonProperty("upper") double upper,
      @JsonProperty("images") long images,
      @JsonProperty("confidence_sum") double confidenceSum,
      @JsonProperty("correct_sum") double correctSum) {

    /** The mean confidence of the bin's images; null when it has none. */
    @JsonProperty(value = "mean_confidence", access = JsonProperty.Access.READ_ONLY)
    public Double meanConfidence() {
      return images == 0 ? null : confidenceSum / images;
    }

    /** The share of the bin's images predicted correctly; null when it has none. */
    @JsonProperty(value = "accuracy", access = JsonProperty.Access.READ_ONLY)
    public Double accuracy() {
      return images == 0 ? null : correctSum / images;
    }
  }

  /** The {@link Metrics#ECE_BINS} bins from per-bin totals indexed as {@link Metrics#bin}. */
  public static ConfidenceBins of(long[] images, double[] confidenceSums, double[] correctSums) {
    List<Bin> bins = new ArrayList<>(Metrics.ECE_BINS);
    for (int b = 0; b < Metrics.ECE_BINS; b++) {
      bins.add(
          new Bin(
              (double) b / Metrics.ECE_BINS,
              (double) (b + 1) / Metrics.ECE_BINS,
              images[b],
              confidenceSums[b],
              correctSums[b]));
    }
    return new ConfidenceBins(bins);
  }

  public long images() {
    return bins.stream().mapToLong(Bin::images).sum();
  }

  /** {@link Metrics#ece} of these bins. */
  public double ece() {
    return Metrics.ece(this);
  }
}
