package dev.softlabels.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OptimizerSettingsTest {

  @Test
  void cosineFallsFromTheBaseToTheMinimumOverAllEpochs() {
    OptimizerSettings cosine =
        new OptimizerSettings(0.1, 0.0, 0.9, 5e-4, LearningRateSchedule.COSINE, 0, 2);
    assertThat(cosine.learningRate(0, 4)).isEqualTo(0.1);
    // 0.05 (1 + cos(pi/4)) = 0.0853553...
    assertThat(cosine.learningRate(1, 4)).isCloseTo(0.0853553390593, within(1e-12));
    assertThat(cosine.learningRate(2, 4)).isCloseTo(0.05, within(1e-12));
    assertThat(cosine.learningRate(3, 4)).isCloseTo(0.0146446609407, within(1e-12));
  }

  @Test
  void warmRestartsBeginANewLongerCycle() {
    OptimizerSettings sgdr =
        new OptimizerSettings(0.1, 0.01, 0.9, 1e-3, LearningRateSchedule.COSINE, 2, 2);
    assertThat(sgdr.learningRate(0, 10)).isEqualTo(0.1);
    assertThat(sgdr.learningRate(1, 10)).isCloseTo(0.055, within(1e-12));
    assertThat(sgdr.learningRate(2, 10)).as("restart after 2 epochs").isEqualTo(0.1);
    // The second cycle lasts 4 epochs: epoch 4 is half way.
    assertThat(sgdr.learningRate(4, 10)).isCloseTo(0.055, within(1e-12));
    assertThat(sgdr.learningRate(6, 10)).as("third cycle").isEqualTo(0.1);
  }

  @Test
  void constantStaysPut() {
    OptimizerSettings constant =
        new OptimizerSettings(0.02, 0.0, 0.9, 0, LearningRateSchedule.CONSTANT, 0, 2);
    assertThat(constant.learningRate(7, 10)).isEqualTo(0.02);
  }
}
