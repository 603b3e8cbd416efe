package dev.softlabels.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.Json;
import org.junit.jupiter.api.Test;

class ConfidenceBinsTest {

  /** Two images at .55 and .58 (one correct), one at 1.0 (correct); the other bins empty. */
  static final ConfidenceBins BINS =
      ConfidenceBins.of(
          new long[] {0, 0, 0, 0, 0, 2, 0, 0, 0, 1},
          new double[] {0, 0, 0, 0, 0, 1.13, 0, 0, 0, 1.0},
          new double[] {0, 0, 0, 0, 0, 1, 0, 0, 0, 1});

  @Test
  void binsSpanTheUnitIntervalWithMeansOnlyWhereThereAreImages() {
    assertThat(BINS.bins()).hasSize(Metrics.ECE_BINS);
    ConfidenceBins.Bin fifth = BINS.bins().get(5);
    assertThat(fifth.lower()).isEqualTo(0.5);
    assertThat(fifth.upper()).isEqualTo(0.6);
    assertThat(fifth.meanConfidence()).isCloseTo(0.565, within(1e-12));
    assertThat(fifth.accuracy()).isEqualTo(0.5);
    assertThat(BINS.bins().get(3).lower()).as("3/10, not 3 x 0.1").isEqualTo(0.3);
    assertThat(BINS.bins().get(9).upper()).isEqualTo(1.0);
    assertThat(BINS.bins().get(0).meanConfidence()).isNull();
    assertThat(BINS.bins().get(0).accuracy()).isNull();
    assertThat(BINS.images()).isEqualTo(3);
    // (|1 - 1.13| + |1 - 1.0|) / 3
    assertThat(BINS.ece()).isCloseTo(0.13 / 3, within(1e-12)).isEqualTo(Metrics.ece(BINS));
  }

  @Test
  void jsonHasSnakeCaseNamesNullMeansForEmptyBinsAndReadsBackEqual() {
    String json = Json.write(BINS);

    assertThat(json)
        .doesNotContain("NaN")
        .contains("\"confidence_sum\"", "\"correct_sum\"", "\"mean_confidence\" : null")
        .contains(
            "\"accuracy\" : 0.5", "\"accuracy\" : null", "\"lower\" : 0.9", "\"upper\" : 1.0");
    ConfidenceBins read = Json.read(json, ConfidenceBins.class);
    assertThat(read).isEqualTo(BINS);
    assertThat(read.ece()).isEqualTo(BINS.ece());
  }
}
