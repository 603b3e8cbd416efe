package dev.softlabels.reproduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PairedDifferenceTest {

  /**
   * Differences 0.01, 0.03, 0.02, 0.04, 0.00: mean 0.02; squared deviations sum to 0.001, so s =
   * sqrt(0.001 / 4) = 0.0158114 and the standard error s / sqrt(5) = 0.00707107; t(0.975, 4) =
   * 2.776445 (a printed t table), half-width 0.0196324.
   */
  @Test
  void fivePairsByHand() {
    PairedDifference difference =
        PairedDifference.of(
            List.of(0.81, 0.83, 0.82, 0.84, 0.80), List.of(0.80, 0.80, 0.80, 0.80, 0.80));

    assertThat(difference.pairs()).isEqualTo(5);
    assertThat(difference.mean()).isCloseTo(0.02, within(1e-12));
    assertThat(difference.low()).isCloseTo(0.02 - 0.0196324, within(1e-6));
    assertThat(difference.high()).isCloseTo(0.02 + 0.0196324, within(1e-6));
    assertThat(difference.excludesZero()).isTrue();
  }

  /**
   * Two pairs, differences -0.01 and 0.03: mean 0.01, s = sqrt(0.0008) = 0.0282843, standard error
   * 0.02, t(0.975, 1) = 12.7062: an interval of ±0.254124 that holds zero.
   */
  @Test
  void twoPairsGiveAWideIntervalAroundZero() {
    PairedDifference difference = PairedDifference.of(List.of(0.39, 0.43), List.of(0.40, 0.40));

    assertThat(difference.mean()).isCloseTo(0.01, within(1e-12));
    assertThat(difference.high() - difference.mean()).isCloseTo(0.254124, within(1e-5));
    assertThat(difference.mean() - difference.low()).isCloseTo(0.254124, within(1e-5));
    assertThat(difference.excludesZero()).isFalse();
  }

  @Test
  void aNegativeIntervalExcludesZeroToo() {
    PairedDifference difference =
        PairedDifference.of(List.of(0.10, 0.11, 0.12), List.of(0.60, 0.62, 0.61));

    assertThat(difference.high()).isNegative();
    assertThat(difference.excludesZero()).isTrue();
  }

  @Test
  void onePairHasAMeanButNoInterval() {
    PairedDifference difference = PairedDifference.of(List.of(0.5), List.of(0.2));

    assertThat(difference.mean()).isCloseTo(0.3, within(1e-12));
    assertThat(difference.low()).isNaN();
    assertThat(difference.high()).isNaN();
    assertThat(difference.excludesZero()).isFalse();
  }

  @Test
  void unequalCountsAreRefused() {
    assertThatThrownBy(() -> PairedDifference.of(List.of(0.5, 0.6), List.of(0.2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 and 1");
  }
}
