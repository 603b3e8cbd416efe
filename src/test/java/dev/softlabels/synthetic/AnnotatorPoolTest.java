package dev.softlabels.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The simulated crowd without Spark: image difficulty and what it leaves alone. */
class AnnotatorPoolTest {

  private static final double[] FIRST_CLASS = {1, 0, 0, 0, 0, 0};

  private static AnnotatorPool pool(Map<String, Object> overrides) {
    Map<String, Object> all =
        new HashMap<>(
            Map.of(
                "softlabels.annotate.input", "labels", "softlabels.annotate.output", "annotated"));
    all.putAll(overrides);
    return new AnnotatorPool(AnnotateSettings.from(ConfigLoader.withOverrides(all)));
  }

  private static AnnotatorPool mixedCrowd(List<Double> difficulty) {
    return pool(
        Map.of(
            "softlabels.annotate.pool",
            12,
            "softlabels.annotate.votes-per-image",
            6,
            "softlabels.annotate.spammer-share",
            0.25,
            "softlabels.annotate.swapper-share",
            0.25,
            "softlabels.annotate.flip-rate",
            List.of(0.1, 0.4),
            "softlabels.annotate.image-difficulty",
            difficulty));
  }

  private static String votes(AnnotatorPool pool, String image) {
    return pool.votes(image, new double[] {0.5, 0.1, 0.1, 0.1, 0.1, 0.1}).stream()
        .map(v -> v.annotatorId().substring("annotator-".length()) + ":" + v.label())
        .collect(Collectors.joining(" "));
  }

  @Test
  void withoutDifficultyTheVotesAreThoseDrawnBeforeItExisted() {
    // Recorded with the code before image difficulty, on the same crowd.
    AnnotatorPool pool = mixedCrowd(List.of(0.0, 0.0));
    assertThat(votes(pool, "img-00000"))
        .isEqualTo("0004:4 0011:5 0000:0 0001:1 0003:1 0002:1 0008:4 0009:4");
    assertThat(votes(pool, "img-00001"))
        .isEqualTo("0008:1 0010:4 0004:5 0003:2 0007:0 0006:0 0000:0 0011:0");
    assertThat(votes(pool, "img-00002")).isEqualTo("0011:0 0004:0 0003:0 0009:4");
    assertThat(pool.difficulty("img-00000")).isZero();
  }

  @Test
  void difficultyChangesWhatIsReportedButNotWhoVotes() {
    AnnotatorPool plain = mixedCrowd(List.of(0.0, 0.0));
    AnnotatorPool hard = mixedCrowd(List.of(0.5, 0.9));
    for (int i = 0; i < 50; i++) {
      String image = String.format(Locale.ROOT, "img-%05d", i);
      assertThat(hard.votes(image, FIRST_CLASS))
          .extracting(AnnotatorPool.Vote::annotatorId)
          .isEqualTo(
              plain.votes(image, FIRST_CLASS).stream()
                  .map(AnnotatorPool.Vote::annotatorId)
                  .toList());
    }
  }

  @Test
  void difficultyComesFromTheSeedAndTheImageAlone() {
    AnnotatorPool one = pool(Map.of("softlabels.annotate.image-difficulty", List.of(0.2, 0.6)));
    AnnotatorPool otherCrowd =
        pool(
            Map.of(
                "softlabels.annotate.image-difficulty",
                List.of(0.2, 0.6),
                "softlabels.annotate.pool",
                9,
                "softlabels.annotate.spammer-share",
                0.5));
    AnnotatorPool otherSeed =
        pool(
            Map.of(
                "softlabels.annotate.image-difficulty",
                List.of(0.2, 0.6),
                "softlabels.annotate.seed",
                8));
    double[] drawn =
        IntStream.range(0, 2_000).mapToDouble(i -> one.difficulty("img-" + i)).toArray();
    for (int i = 0; i < drawn.length; i++) {
      assertThat(otherCrowd.difficulty("img-" + i)).isEqualTo(drawn[i]);
      assertThat(drawn[i]).isBetween(0.2, 0.6);
    }
    assertThat(
            IntStream.range(0, drawn.length)
                .filter(i -> otherSeed.difficulty("img-" + i) != drawn[i])
                .count())
        .isEqualTo(drawn.length);
    // Uniform on [0.2, 0.6]: mean 0.4, standard deviation 0.4 / sqrt(12) = 0.115, so the mean of
    // 2,000 draws is within 0.0026 of 0.4 one time in three; 0.01 is about four standard errors.
    assertThat(IntStream.range(0, drawn.length).mapToDouble(i -> drawn[i]).average().orElseThrow())
        .isCloseTo(0.4, within(0.01));
  }

  /**
   * Noise-free annotators on images of difficulty d report the true class with probability 1 − d +
   * d / 6.
   */
  @Test
  void onImagesOfDifficultyDVotesAreUniformWithProbabilityD() {
    int images = 400;
    int votesPerImage = 50;
    int n = images * votesPerImage;
    for (double d : new double[] {1.0, 0.5}) {
      AnnotatorPool pool =
          pool(
              Map.of(
                  "softlabels.annotate.pool",
                  votesPerImage,
                  "softlabels.annotate.votes-per-image",
                  votesPerImage,
                  "softlabels.annotate.votes-distribution",
                  "fixed",
                  "softlabels.annotate.image-difficulty",
                  List.of(d, d)));
      long[] counts = new long[6];
      for (int i = 0; i < images; i++) {
        pool.votes("img-" + i, FIRST_CLASS).forEach(v -> counts[v.label()]++);
      }
      // Each class count is binomial(n, p); five standard deviations either way.
      for (int c = 0; c < counts.length; c++) {
        double p = c == 0 ? 1 - d + d / 6 : d / 6;
        double sd = Math.sqrt(n * p * (1 - p));
        assertThat((double) counts[c])
            .as("class %d at difficulty %s", c, d)
            .isCloseTo(n * p, within(5 * sd));
      }
    }
  }

  @Test
  void aDifficultyRangeOutsideTheUnitIntervalIsTheUsersMistake() {
    assertThatThrownBy(
            () -> pool(Map.of("softlabels.annotate.image-difficulty", List.of(0.2, 1.5))))
        .isInstanceOf(UserError.class)
        .hasMessage("softlabels.annotate.image-difficulty must be [min, max] within [0, 1]");
    assertThatThrownBy(
            () -> pool(Map.of("softlabels.annotate.image-difficulty", List.of(0.6, 0.2))))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("image-difficulty must be [min, max]");
    assertThatThrownBy(() -> pool(Map.of("softlabels.annotate.image-difficulty", List.of(0.2))))
        .isInstanceOf(UserError.class)
        .hasMessage("softlabels.annotate.image-difficulty needs [min, max]");
  }
}
