package dev.softlabels.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fit check's signs of a degenerate fit, each on figures worked by hand; a sound fit gets none.
 */
class FitCheckTest {

  private static final List<String> BINARY = List.of("no", "yes");

  @Test
  void aSoundFitHasNoWarnings() {
    // Shares moved by 0.09 (jn-product's Dawid–Skene: 0.205 of the votes, 0.116 fitted), 584 of
    // 8,315 flipped.
    assertThat(
            FitCheck.warnings(
                BINARY,
                new double[] {0.795, 0.205},
                new double[] {0.884, 0.116},
                8_315,
                584,
                true,
                200))
        .isEmpty();
  }

  @Test
  void aClassBelowAThirdOfItsVoteShareVanishes() {
    // 0.05 < 0.2 / 3; the distance, 0.15, is under 0.2, so that is the only sign.
    assertThat(
            FitCheck.warnings(
                BINARY, new double[] {0.8, 0.2}, new double[] {0.95, 0.05}, 100, 15, true, 200))
        .containsExactly(
            "class yes nearly vanishes: 0.050 of the fitted posteriors against 0.200 of the votes");
    // At exactly a third it stays; a class under 1 % of the votes is never said to vanish.
    assertThat(
            FitCheck.warnings(
                BINARY, new double[] {0.7, 0.3}, new double[] {0.9, 0.1}, 100, 0, true, 200))
        .isEmpty();
    assertThat(
            FitCheck.warnings(
                BINARY, new double[] {0.995, 0.005}, new double[] {1.0, 0.0}, 100, 0, true, 200))
        .isEmpty();
  }

  @Test
  void sharesFarFromTheVotesMostImagesFlippedAndNoConvergenceAreEachFlagged() {
    // A class that grows: |0.5 - 0.75| / 2 + |0.5 - 0.25| / 2 = 0.25 > 0.2, and no class falls
    // below a third.
    List<String> warnings =
        FitCheck.warnings(
            BINARY, new double[] {0.75, 0.25}, new double[] {0.5, 0.5}, 10, 6, false, 50);
    assertThat(warnings)
        .containsExactly(
            "fitted class shares [0.500, 0.500] are far from the vote shares [0.750, 0.250] (distance 0.25 > 0.20)",
            "6 of 10 images (60 %) get a hard label other than their majority vote",
            "not converged: stopped at the iteration cap of 50 (softlabels.aggregate.em.max-iterations)");
    assertThat(
            FitCheck.warnings(
                BINARY, new double[] {0.75, 0.25}, new double[] {0.75, 0.25}, 10, 5, true, 50))
        .as("half the images is not most")
        .isEmpty();
  }
}
