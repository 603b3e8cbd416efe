package dev.softlabels.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases. The shared example has four images over three classes: truth [1,0,0] / pred
 * [.7,.2,.1]; truth [.5,.5,0] (a tie: class 0) / pred [.2,.6,.2]; truth [0,0,1] / pred [.1,.1,.8];
 * truth [0,1,0] / pred [.5,.5,0] (predicted class 0).
 */
class MetricsTest {

  static final long[][] CONFUSION = {{1, 1, 0}, {1, 0, 0}, {0, 0, 1}};

  @Test
  void macroAccuracyAveragesPerClassRecall() {
    assertThat(Metrics.macroAccuracy(CONFUSION)).isCloseTo((0.5 + 0 + 1) / 3, within(1e-12));
    assertThat(Metrics.accuracy(CONFUSION)).isEqualTo(0.5);
    // A class that never occurs as truth does not count.
    assertThat(Metrics.macroAccuracy(new long[][] {{3, 1}, {0, 0}})).isEqualTo(0.75);
  }

  @Test
  void macroF1AveragesPerClassF1() {
    // class 0: 2*1/(2+2) = .5; class 1: 0; class 2: 2*1/(1+1) = 1
    assertThat(Metrics.macroF1(CONFUSION)).isCloseTo(0.5, within(1e-12));
    assertThat(Metrics.macroF1(new long[][] {{2, 0}, {0, 2}})).isEqualTo(1.0);
  }

  @Test
  void eceWeighsEachBinsGapByItsShare() {
    long[] counts = new long[10];
    double[] confidence = new double[10];
    double[] correct = new double[10];
    double[][] images = {{0.7, 1}, {0.6, 0}, {0.8, 1}, {0.5, 0}};
    for (double[] image : images) {
      int bin = Metrics.bin(image[0]);
      counts[bin]++;
      confidence[bin] += image[0];
      correct[bin] += image[1];
    }
    // (|1-.7| + |0-.6| + |1-.8| + |0-.5|) / 4 = 1.6 / 4
    assertThat(Metrics.ece(ConfidenceBins.of(counts, confidence, correct)))
        .isCloseTo(0.4, within(1e-12));
    // Two images sharing a bin: the gap of their means counts, not their individual gaps.
    assertThat(
            Metrics.ece(
                ConfidenceBins.of(
                    new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 2},
                    new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1.9},
                    new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1})))
        .isCloseTo(0.45, within(1e-12));
    assertThat(Metrics.ece(ConfidenceBins.of(new long[10], new double[10], new double[10])))
        .as("no images")
        .isNaN();
  }

  @Test
  void binsCoverTheUnitIntervalWithOneInTheLastBin() {
    assertThat(Metrics.bin(0.0)).isZero();
    assertThat(Metrics.bin(0.099)).isZero();
    assertThat(Metrics.bin(0.1)).isEqualTo(1);
    assertThat(Metrics.bin(1.0)).isEqualTo(9);
  }
}
