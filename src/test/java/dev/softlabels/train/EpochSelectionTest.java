package dev.softlabels.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which epoch of a history each selection figure picks. */
class EpochSelectionTest {

  private static TrainState.Epoch epoch(int number, double loss, double kl, double macroAccuracy) {
    return new TrainState.Epoch(number, 0.01, 100, 1, 100, loss, kl, macroAccuracy, macroAccuracy);
  }

  /** The best epoch as the train job finds it, epoch by epoch (0: none). */
  private static int best(EpochSelection selection, List<TrainState.Epoch> history) {
    TrainState.Epoch best = null;
    for (TrainState.Epoch candidate : history) {
      if (selection.beats(candidate, best)) {
        best = candidate;
      }
    }
    return best == null ? 0 : best.epoch();
  }

  /** Loss is lowest at epoch 3, KL at epoch 2, macro accuracy highest at epoch 1. */
  private static final List<TrainState.Epoch> HISTORY =
      List.of(epoch(1, 1.2, 0.60, 0.81), epoch(2, 1.1, 0.40, 0.78), epoch(3, 1.0, 0.50, 0.80));

  @Test
  void eachFigurePicksItsOwnBestEpoch() {
    assertThat(best(EpochSelection.LOSS, HISTORY)).isEqualTo(3);
    assertThat(best(EpochSelection.KL, HISTORY)).isEqualTo(2);
    assertThat(best(EpochSelection.MACRO_ACCURACY, HISTORY)).isEqualTo(1);
  }

  @Test
  void theFirstOfEqualsWinsAndNaNNever() {
    List<TrainState.Epoch> history =
        List.of(
            epoch(1, Double.NaN, Double.NaN, Double.NaN),
            epoch(2, 1.0, 0.5, 0.7),
            epoch(3, 1.0, 0.5, 0.7));
    assertThat(best(EpochSelection.KL, history)).isEqualTo(2);
    assertThat(best(EpochSelection.MACRO_ACCURACY, history)).isEqualTo(2);
    assertThat(best(EpochSelection.KL, List.of(epoch(1, 1, Double.NaN, 0.5)))).isZero();
    assertThat(EpochSelection.KL.better(0.3, Double.NaN)).isTrue();
    assertThat(EpochSelection.MACRO_ACCURACY.better(0.3, 0.4)).isFalse();
  }

  @Test
  void itIsWrittenAsInConfiguration() {
    assertThat(EpochSelection.MACRO_ACCURACY).hasToString("macro-accuracy");
  }
}
