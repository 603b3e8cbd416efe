package dev.softlabels.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.ConfigLoader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeSamplerTest {

  static GenerateSettings settings(long images) {
    return GenerateSettings.from(
        ConfigLoader.withOverrides(
            Map.of("softlabels.generate.images", images, "softlabels.generate.output", "unused")));
  }

  @Test
  void aFullSizeRunKeepsTheConfiguredProportionsWithinOnePercent() {
    GenerateSettings settings = settings(15_000);
    Map<String, Integer> kinds = new HashMap<>();
    int[] classes = new int[6];
    Map<String, Integer> split = new HashMap<>();
    for (long i = 0; i < settings.images(); i++) {
      Shape shape = ShapeSampler.sample(settings, i);
      kinds.merge(shape.kind(), 1, Integer::sum);
      classes[shape.hardLabel()]++;
      split.merge(ShapeSampler.split(settings, 0, i), 1, Integer::sum);
    }
    double n = settings.images();
    assertThat(kinds.get(ShapeSampler.PURE) / n).isCloseTo(0.4, within(0.01));
    for (String mode : new String[] {ShapeSampler.COLOUR, ShapeSampler.SHAPE, ShapeSampler.BOTH}) {
      assertThat(kinds.get(mode) / n).as(mode).isCloseTo(0.2, within(0.01));
    }
    for (int c = 0; c < classes.length; c++) {
      assertThat(classes[c] / n).as("class " + c).isCloseTo(1 / 6.0, within(0.01));
    }
    assertThat(split.get("train") / n).isCloseTo(0.6, within(0.01));
    assertThat(split.get("validation") / n).isCloseTo(0.2, within(0.01));
    assertThat(split.get("test") / n).isCloseTo(0.2, within(0.01));
  }

  @Test
  void everyImageIsAValidDistributionWithTheShapeInsideTheFrame() {
    GenerateSettings settings = settings(2_000);
    for (long i = 0; i < settings.images(); i++) {
      Shape shape = ShapeSampler.sample(settings, i);
      double[] p = shape.softLabel();
      assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
      assertThat(Arrays.stream(p).min().orElseThrow()).isGreaterThanOrEqualTo(0);
      assertThat(shape.centerX() - shape.radius()).isGreaterThanOrEqualTo(0);
      assertThat(shape.centerX() + shape.radius()).isLessThanOrEqualTo(settings.size());
      assertThat(shape.centerY() - shape.radius()).isGreaterThanOrEqualTo(0);
      assertThat(shape.centerY() + shape.radius()).isLessThanOrEqualTo(settings.size());
      assertThat(shape.radius() / settings.size()).isBetween(0.25, 0.4);
      assertThat(shape.axisRatio()).isBetween(0.5, 1.0);
      switch (shape.kind()) {
        case ShapeSampler.PURE -> assertThat(Arrays.stream(p).max().orElseThrow()).isEqualTo(1.0);
        case ShapeSampler.COLOUR -> {
          assertThat(shape.colourTo()).isNotEqualTo(shape.colourFrom());
          assertThat(shape.ellipseWeight()).isIn(0.0, 1.0);
        }
        case ShapeSampler.SHAPE -> assertThat(shape.colourWeight()).isZero();
        default -> assertThat(shape.colourTo()).isNotEqualTo(shape.colourFrom());
      }
    }
  }

  @Test
  void theSameSeedAndIndexGiveTheSameImage() {
    GenerateSettings settings = settings(10);
    assertThat(ShapeSampler.sample(settings, 7)).isEqualTo(ShapeSampler.sample(settings, 7));
    assertThat(ShapeSampler.sample(settings, 7)).isNotEqualTo(ShapeSampler.sample(settings, 8));
    GenerateSettings otherSeed =
        GenerateSettings.from(
            ConfigLoader.withOverrides(
                Map.of("softlabels.generate.seed", 43, "softlabels.generate.output", "unused")));
    assertThat(ShapeSampler.sample(otherSeed, 7)).isNotEqualTo(ShapeSampler.sample(settings, 7));
  }
}
