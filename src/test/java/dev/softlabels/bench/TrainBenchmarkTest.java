package dev.softlabels.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainBenchmarkTest {

  @Test
  void theMedianOfRepeatedRunsIsTheMiddleValueOrTheMeanOfTheMiddleTwo() {
    assertThat(TrainBenchmark.median(new double[] {1_911})).isEqualTo(1_911);
    assertThat(TrainBenchmark.median(new double[] {3_562, 5_967, 3_255})).isEqualTo(3_562);
    assertThat(TrainBenchmark.median(new double[] {1_600, 1_000, 1_200, 2_000})).isEqualTo(1_400);
  }

  @Test
  void aSkippedPyTorchStaysNotANumber() {
    assertThat(TrainBenchmark.median(new double[] {Double.NaN, Double.NaN})).isNaN();
  }
}
