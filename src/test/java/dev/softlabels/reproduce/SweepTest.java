package dev.softlabels.reproduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softlabels.config.Json;
import dev.softlabels.train.EpochSelection;
import dev.softlabels.train.TrainState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sweep's grid, its choice on validation figures, its JSON and its report table. */
class SweepTest {

  private static final Sweep.Candidate SLOW = new Sweep.Candidate(0.001, 3);
  private static final Sweep.Candidate FAST = new Sweep.Candidate(0.01, 3);

  /** A best epoch's validation record: only these figures exist for the sweep to choose by. */
  private static TrainState.Epoch best(int epoch, double kl, double macroAccuracy) {
    return new TrainState.Epoch(epoch, 0.01, 100, 1, 100, kl + 1, kl, macroAccuracy, macroAccuracy);
  }

  /**
   * SLOW: KL 0.60 (hard) and 0.50 (soft), mean 0.55; ACC 0.80 and 0.82, mean 0.81. FAST: KL 0.70
   * and 0.30, mean 0.50; ACC 0.78 and 0.80, mean 0.79.
   */
  private static List<Sweep.Trial> trials() {
    return List.of(
        new Sweep.Trial(SLOW, "hard", best(3, 0.60, 0.80)),
        new Sweep.Trial(SLOW, "soft", best(3, 0.50, 0.82)),
        new Sweep.Trial(FAST, "hard", best(2, 0.70, 0.78)),
        new Sweep.Trial(FAST, "soft", best(3, 0.30, 0.80)));
  }

  @Test
  void theGridPairsEveryLearningRateWithEveryEpochCount() {
    assertThat(Sweep.grid(List.of(0.001, 0.01), List.of(2, 4)))
        .containsExactly(
            new Sweep.Candidate(0.001, 2),
            new Sweep.Candidate(0.001, 4),
            new Sweep.Candidate(0.01, 2),
            new Sweep.Candidate(0.01, 4));
    assertThat(SLOW.directory()).isEqualTo("lr-0.001-epochs-3");
  }

  @Test
  void theChoiceIsTheBestMeanOverTheLabelTypesOfTheSelectionFigure() {
    Sweep byKl = Sweep.of(EpochSelection.KL, trials());
    assertThat(byKl.chosen()).isEqualTo(FAST);
    assertThat(byKl.figure(SLOW)).isCloseTo(0.55, within(1e-12));
    assertThat(byKl.figure(FAST)).isCloseTo(0.50, within(1e-12));
    assertThat(Sweep.of(EpochSelection.MACRO_ACCURACY, trials()).chosen())
        .as("larger is better for accuracy")
        .isEqualTo(SLOW);
    assertThat(
            Sweep.of(
                    EpochSelection.KL,
                    List.of(
                        new Sweep.Trial(SLOW, "soft", best(1, 0.4, 0.5)),
                        new Sweep.Trial(FAST, "soft", best(1, 0.4, 0.5))))
                .chosen())
        .as("the first of equals")
        .isEqualTo(SLOW);
  }

  @Test
  void aTrialIsItsRunsBestEpoch() {
    TrainState state =
        new TrainState(
            3,
            2,
            1.5,
            List.of(best(1, 0.9, 0.6), best(2, 0.5, 0.7), best(3, 0.6, 0.75)),
            Map.of(),
            List.of());
    assertThat(Sweep.Trial.of(FAST, "soft", state).best().validationKl()).isEqualTo(0.5);
  }

  @Test
  void itReadsBackFromJsonAsWritten() {
    Sweep sweep = Sweep.of(EpochSelection.KL, trials());
    assertThat(Json.read(Json.write(sweep), Sweep.class)).isEqualTo(sweep);
  }

  @Test
  void theReportListsEveryCandidateWithTheChosenInBold() {
    String md =
        ReportRenderer.markdown(
            ReportRendererTest.cells(),
            List.of(),
            "quick",
            Map.of(),
            Map.of("cifar10h", Sweep.of(EpochSelection.KL, trials())),
            Map.of());
    assertThat(md)
        .contains(
            "## Learning-rate / epoch sweep",
            "| learning rate | epochs | hard: best epoch, validation KL, ACC |"
                + " soft: best epoch, validation KL, ACC | mean validation kl |",
            "| 0.001 | 3 | 3, 0.6000, 0.8000 | 3, 0.5000, 0.8200 | 0.5500 |",
            "| **0.01** | **3** | 2, 0.7000, 0.7800 | 3, 0.3000, 0.8000 | **0.5000** |");
  }
}
