package dev.softlabels.truth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The M-step by hand (annotators a1, a2, a3 are 0, 1, 2). Two classes, smoothing 1, three images
 * whose posteriors are their vote fractions: i1 = (2/3, 1/3) with votes a1:0 a2:0 a3:1; i2 = (0, 1)
 * with a1:1 a2:1 a3:1; i3 = (1/2, 1/2) with a1:0 a2:1.
 */
class DawidSkeneModelTest {

  static final double[] I1 = {2.0 / 3, 1.0 / 3};
  static final double[] I2 = {0, 1};
  static final double[] I3 = {0.5, 0.5};

  private static double[] plus(double[] a, double[] b) {
    return new double[] {a[0] + b[0], a[1] + b[1]};
  }

  static DawidSkeneModel handExample() {
    List<DawidSkeneModel.Mass> masses =
        List.of(
            new DawidSkeneModel.Mass(0, 0, plus(I1, I3), 2),
            new DawidSkeneModel.Mass(0, 1, I2, 1),
            new DawidSkeneModel.Mass(1, 0, I1, 1),
            new DawidSkeneModel.Mass(1, 1, plus(I2, I3), 2),
            new DawidSkeneModel.Mass(2, 1, plus(I1, I2), 2));
    return DawidSkeneModel.estimate(
        new ClassPrior.Learned(1.0).estimate(plus(plus(I1, I2), I3), 3), 3, masses, 1.0);
  }

  @Test
  void mStepByHand() {
    DawidSkeneModel model = handExample();
    // prior[c] = (1 + sum_i T_ic) / (3 + 2): (1 + 7/6) / 5 and (1 + 11/6) / 5.
    assertThat(model.prior()).containsExactly(new double[] {13.0 / 30, 17.0 / 30}, within(1e-12));
    // a1, true class 0: mass (7/6 on label 0, 0 on label 1) -> ((1 + 7/6), (1 + 0)) / (2 + 7/6).
    // a1, true class 1: mass (5/6, 1) -> (11/6, 2) / (23/6).
    double[][] a1 = model.annotators().get(0).confusion();
    assertThat(a1[0]).containsExactly(new double[] {13.0 / 19, 6.0 / 19}, within(1e-12));
    assertThat(a1[1]).containsExactly(new double[] {11.0 / 23, 12.0 / 23}, within(1e-12));
    // a2: class 0 mass (2/3, 1/2) -> (5/3, 3/2) / (19/6); class 1 mass (1/3, 3/2) -> (4/3, 5/2) /
    // (23/6).
    double[][] a2 = model.annotators().get(1).confusion();
    assertThat(a2[0]).containsExactly(new double[] {10.0 / 19, 9.0 / 19}, within(1e-12));
    assertThat(a2[1]).containsExactly(new double[] {8.0 / 23, 15.0 / 23}, within(1e-12));
    // a3 never reported class 0: class 0 mass (0, 2/3) -> (1, 5/3) / (8/3); class 1 (0, 4/3) -> (1,
    // 7/3) / (10/3).
    double[][] a3 = model.annotators().get(2).confusion();
    assertThat(a3[0]).containsExactly(new double[] {3.0 / 8, 5.0 / 8}, within(1e-12));
    assertThat(a3[1]).containsExactly(new double[] {3.0 / 10, 7.0 / 10}, within(1e-12));
    // Accuracy: diagonal mass over labels given; a1 (7/6 + 1) / 3, a2 (2/3 + 3/2) / 3, a3 (0 + 4/3)
    // / 2.
    assertThat(model.annotators().get(0).accuracy()).isCloseTo(13.0 / 18, within(1e-12));
    assertThat(model.annotators().get(1).accuracy()).isCloseTo(13.0 / 18, within(1e-12));
    assertThat(model.annotators().get(2).accuracy()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(model.annotators().get(2).labels()).isEqualTo(2);
    assertThat(model.logColumn(1, 1))
        .containsExactly(new double[] {Math.log(9.0 / 19), Math.log(15.0 / 23)}, within(1e-12));
  }

  @Test
  void everyRowOfEveryConfusionMatrixIsADistribution() {
    handExample()
        .annotators()
        .forEach(
            estimate -> {
              for (double[] row : estimate.confusion()) {
                assertThat(row[0] + row[1]).isCloseTo(1.0, within(1e-12));
              }
            });
  }

  @Test
  void settingsRefuseValuesThatCannotWork() {
    assertThatThrownBy(() -> new EmSettings(0, 1e-6, 0.01))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("max-iterations");
    assertThatThrownBy(() -> new EmSettings(10, 1e-6, 0))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("smoothing must be > 0");
    assertThatThrownBy(() -> new EmSettings(10, Double.NaN, 0.01))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("tolerance");
  }
}
