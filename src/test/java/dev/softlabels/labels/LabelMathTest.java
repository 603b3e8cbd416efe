package dev.softlabels.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelMathTest {

  @Test
  void argmaxBreaksTiesTowardsTheLowestIndex() {
    assertThat(LabelMath.argmax(new int[] {1, 3, 3, 0})).isEqualTo(1);
    assertThat(LabelMath.argmax(new int[] {2, 2, 2})).isZero();
    assertThat(LabelMath.argmax(new int[] {0, 0, 5})).isEqualTo(2);
    assertThat(LabelMath.argmax(new double[] {0.25, 0.25, 0.5})).isEqualTo(2);
    assertThat(LabelMath.argmax(new double[] {0.5, 0.5, 0.0})).isZero();
  }

  @Test
  void tiesAreDetectedOnlyAtTheMaximum() {
    assertThat(LabelMath.isTie(new int[] {1, 1, 0})).isTrue();
    assertThat(LabelMath.isTie(new int[] {3, 1, 1})).isFalse();
    assertThat(LabelMath.isTie(new int[] {0, 0, 4})).isFalse();
  }

  /** 0.7 - 0.3 is 0.39999999999999997: a posterior's exact tie with 0.4 comes out one ulp apart. */
  @Test
  void probabilitiesWithinTheToleranceOfTheMaximumTieAndGoToTheLowestIndex() {
    double almost = 0.7 - 0.3;
    assertThat(almost).isNotEqualTo(0.4);
    assertThat(LabelMath.argmax(new double[] {0.2, 0.4, almost})).isEqualTo(1);
    assertThat(LabelMath.argmax(new double[] {0.2, almost, 0.4})).isEqualTo(1);
    assertThat(LabelMath.isTie(new double[] {0.2, almost, 0.4})).isTrue();
    assertThat(LabelMath.isTie(new double[] {0.4, 0.2, almost})).isTrue();
    double tol = LabelMath.TIE_TOLERANCE;
    assertThat(LabelMath.argmax(new double[] {0.5 - tol / 2, 0.5})).isZero();
    assertThat(LabelMath.isTie(new double[] {0.5 - tol / 2, 0.5})).isTrue();
    assertThat(LabelMath.argmax(new double[] {0.5 - 2 * tol, 0.5 + tol})).isEqualTo(1);
    assertThat(LabelMath.isTie(new double[] {0.5 - 2 * tol, 0.5 + tol})).isFalse();
    // A value near the maximum ties only if it is near the maximum itself, not near another tied
    // value.
    assertThat(LabelMath.isTie(new double[] {0.3, 0.3 + 0.8 * tol, 0.3 + 1.6 * tol})).isTrue();
    assertThat(LabelMath.argmax(new double[] {0.3, 0.3 + 0.8 * tol, 0.3 + 1.6 * tol})).isEqualTo(1);
    LabelRow row =
        LabelRow.of(
            "i",
            new int[] {1, 2, 2},
            new double[] {0.2, almost, 0.4},
            new ClassList(List.of("a", "b", "c")));
    assertThat(row.isTie()).isTrue();
    assertThat(row.hardLabel()).isEqualTo(1);
    assertThat(row.hardLabelName()).isEqualTo("b");
    assertThat(row.agreement()).isEqualTo(0.4);
  }

  @Test
  void softLabelIsTheVoteFraction() {
    assertThat(LabelMath.soft(new int[] {2, 1, 0})).containsExactly(2 / 3.0, 1 / 3.0, 0.0);
  }

  @Test
  void agreementIsTheMajorityShare() {
    assertThat(LabelMath.agreement(new int[] {2, 1, 0})).isEqualTo(2 / 3.0);
    assertThat(LabelMath.agreement(new int[] {0, 0, 4})).isEqualTo(1.0);
    assertThat(LabelMath.agreement(new int[] {1, 1, 0})).isEqualTo(0.5);
  }

  @Test
  void entropyIsNormalisedByLogK() {
    // -(2/3 ln 2/3 + 1/3 ln 1/3) / ln 3, worked by hand: 0.636514168 / 1.098612289
    assertThat(LabelMath.normalizedEntropy(new double[] {2 / 3.0, 1 / 3.0, 0}))
        .isCloseTo(0.5793801643, within(1e-9));
    assertThat(LabelMath.normalizedEntropy(new double[] {0.5, 0.5, 0}))
        .isCloseTo(Math.log(2) / Math.log(3), within(1e-12));
    assertThat(LabelMath.normalizedEntropy(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}))
        .isCloseTo(1.0, within(1e-12));
    assertThat(LabelMath.normalizedEntropy(new double[] {0, 1, 0})).isZero();
  }

  @Test
  void klDivergenceClipsBothSidesWithoutRenormalising() {
    // (1 - 1e-5) ln((1 - 1e-5) / 0.5) + 1e-5 ln(1e-5 / 0.5)
    assertThat(LabelMath.klDivergence(new double[] {1, 0}, new double[] {0.5, 0.5}, 1e-5))
        .isCloseTo(0.6930220513552958, within(1e-12));
    // A zero in the prediction is clipped to 1e-5 instead of giving infinity: 0.5 ln(0.5 / (1 -
    // 1e-5)) + 0.5 ln(0.5 / 1e-5)
    assertThat(LabelMath.klDivergence(new double[] {0.5, 0.5}, new double[] {1, 0}, 1e-5))
        .isCloseTo(5.063320551950169, within(1e-12));
    assertThat(
            LabelMath.klDivergence(
                new double[] {0.2, 0.3, 0.5}, new double[] {0.2, 0.3, 0.5}, 1e-5))
        .isZero();
  }

  @Test
  void flipProbabilityByHand() {
    // No votes: any vote for class 1 or 2 makes it the majority; each has probability 1/3.
    assertThat(LabelMath.flipProbability(new int[] {0, 0, 0})).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(LabelMath.flipProbability(new int[] {5, 0, 0})).isZero();
    // Tie 2:2 goes to class 0; a vote for class 1 (probability 3/7) makes it 2:3.
    assertThat(LabelMath.flipProbability(new int[] {2, 2, 0})).isCloseTo(3 / 7.0, within(1e-12));
    // 2:3 is class 1; a vote for class 0 (3/8) ties it, and ties go to class 0.
    assertThat(LabelMath.flipProbability(new int[] {2, 3, 0})).isCloseTo(3 / 8.0, within(1e-12));
    // 3:2 is class 0; a vote for class 1 ties it, which class 0 still wins.
    assertThat(LabelMath.flipProbability(new int[] {3, 2, 0})).isZero();
  }
}
