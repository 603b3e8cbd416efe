package dev.softlabels.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.ConfigLoader;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The learning rate of each epoch: the schedule's, warmed up once every layer trains. */
class TrainSettingsTest {

  private static TrainSettings settings(Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.put("softlabels.train.images", "images");
    overrides.put("softlabels.train.labels", "labels");
    overrides.put("softlabels.train.model-dir", "model");
    overrides.put("softlabels.train.optimizer.schedule", "constant");
    overrides.put("softlabels.train.optimizer.learning-rate", 0.3);
    return TrainSettings.from(ConfigLoader.withOverrides(overrides));
  }

  @Test
  void theWarmUpStartsWhenTheFrozenEpochsEnd() {
    TrainSettings settings =
        settings(
            Map.of(
                "softlabels.train.epochs", 5,
                "softlabels.train.init-from", "pretrained",
                "softlabels.train.frozen-epochs", 1,
                "softlabels.train.warmup-epochs", 2));
    // Frozen epoch at the full rate, then 1/3 and 2/3 of it, then the full rate.
    double[] expected = {0.3, 0.1, 0.2, 0.3, 0.3};
    for (int epoch = 0; epoch < expected.length; epoch++) {
      assertThat(settings.learningRate(epoch))
          .as("epoch %d", epoch)
          .isCloseTo(expected[epoch], within(1e-12));
    }
  }

  @Test
  void withoutWarmUpTheScheduleIsUntouched() {
    TrainSettings settings = settings(Map.of("softlabels.train.epochs", 3));
    assertThat(settings.warmupEpochs()).isZero();
    assertThat(settings.selectBy()).isEqualTo(EpochSelection.LOSS);
    for (int epoch = 0; epoch < 3; epoch++) {
      assertThat(settings.learningRate(epoch)).isEqualTo(0.3);
    }
    assertThat(settings(Map.of("softlabels.train.warmup-epochs", 1)).learningRate(0))
        .isCloseTo(0.15, within(1e-12));
  }
}
