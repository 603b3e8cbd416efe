package dev.softlabels.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scoring jobs' data settings: their own keys, train's split, and train's old keys as a
 * fallback.
 */
class DataSpecTest {

  @Test
  void aScoringJobReadsItsOwnKeysAndTrainsSplitFractions() {
    DataSpec data =
        DataSpec.forScoring(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.evaluate.images",
                    "img",
                    "softlabels.evaluate.labels",
                    "truth",
                    "softlabels.evaluate.split",
                    2,
                    "softlabels.train.images",
                    "train-img",
                    "softlabels.train.labels",
                    "train-labels",
                    "softlabels.train.label-type",
                    "hard",
                    "softlabels.train.split-fractions",
                    "[0.5, 0.3, 0.2]")),
            "softlabels.evaluate");
    assertThat(data)
        .isEqualTo(
            new DataSpec(
                "img",
                "truth",
                LabelType.SOFT,
                2,
                0.5,
                0.3,
                0,
                "^(.+)\\.[A-Za-z]+$",
                LabelIdPattern.NONE));
  }

  @Test
  void trainsKeysStillWorkForAScoringJobThatHasNoneOfItsOwn() {
    DataSpec data =
        DataSpec.forScoring(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.train.images",
                    "train-img",
                    "softlabels.train.labels",
                    "train-labels",
                    "softlabels.train.split",
                    1,
                    "softlabels.embed.labels",
                    "truth")),
            "softlabels.embed");
    assertThat(data.images()).isEqualTo("train-img");
    assertThat(data.labels()).isEqualTo("truth");
    assertThat(data.split()).isEqualTo(1);
    assertThat(data.labelType()).isEqualTo(LabelType.SOFT);
  }

  @Test
  void missingDataIsNamedWithTheJobsOwnKey() {
    assertThatThrownBy(
            () ->
                DataSpec.forScoring(
                    ConfigLoader.withOverrides(Map.of("softlabels.evaluate.labels", "truth")),
                    "softlabels.evaluate"))
        .isInstanceOf(UserError.class)
        .hasMessage("no images given: pass --images PATH (or set softlabels.evaluate.images)");
    assertThatThrownBy(
            () ->
                DataSpec.from(ConfigLoader.withOverrides(Map.of("softlabels.train.images", "img"))))
        .isInstanceOf(UserError.class)
        .hasMessage("no labels given: pass --labels PATH (or set softlabels.train.labels)");
  }
}
