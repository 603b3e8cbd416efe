package dev.softlabels.reproduce;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.train.EpochSelection;
import dev.softlabels.train.TrainState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A learning-rate / epoch sweep of a dataset's cells, equal for every label type: each candidate
 * trains every label type on split 0, and the candidate whose best epochs score best on split 0's
 * validation part, averaged over the label types, is the one every cell then trains with. Its
 * figures come from the runs' training histories, which score the validation part alone: the choice
 * never sees a test image.
 *
 * @param selectBy the validation figure that picks each run's best epoch and the candidate
 * @param trials every (candidate, label type) run's best epoch
 * @param chosen the candidate the cells train with
 */
public record Sweep(
    @JsonProperty("select_by") EpochSelection selectBy,
    @JsonProperty("trials") List<Trial> trials,
    @JsonProperty("chosen") Candidate chosen) {

  /** A fine-tuning learning rate and number of epochs. */
  public record Candidate(
      @JsonProperty("learning_rate") double learningRate, @JsonProperty("epochs") int epochs) {

    /** A directory name for the candidate's runs. */
    String directory() {
      return String.format(Locale.ROOT, "lr-%s-epochs-%d", learningRate, epochs);
    }
  }

  /** One label type trained with one candidate, and the validation record of its best epoch. */
  public record Trial(
      @JsonProperty("candidate") Candidate candidate,
      @JsonProperty("label_type") String labelType,
      @JsonProperty("best") TrainState.Epoch best) {

    /** The run's best epoch by {@code selectBy}, from the state its training saved. */
    static Trial of(Candidate candidate, String labelType, TrainState state) {
      return new Trial(candidate, labelType, state.history().get(state.bestEpoch() - 1));
    }
  }

  /** The grid of candidates, learning rates outermost. */
  static List<Candidate> grid(List<Double> learningRates, List<Integer> epochs) {
    List<Candidate> grid = new ArrayList<>();
    learningRates.forEach(rate -> epochs.forEach(e -> grid.add(new Candidate(rate, e))));
    return grid;
  }

  /**
   * The sweep's choice: the candidate with the best mean {@code selectBy} figure over its label
   * types' best epochs (the first of equals in trial order).
   */
  static Sweep of(EpochSelection selectBy, List<Trial> trials) {
    Map<Candidate, List<Double>> figures = new LinkedHashMap<>();
    trials.forEach(
        trial ->
            figures
                .computeIfAbsent(trial.candidate(), c -> new ArrayList<>())
                .add(selectBy.of(trial.best())));
    Candidate chosen = null;
    double best = Double.NaN;
    for (Map.Entry<Candidate, List<Double>> entry : figures.entrySet()) {
      double mean = entry.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(0);
      if (chosen == null || selectBy.better(mean, best)) {
        chosen = entry.getKey();
        best = mean;
      }
    }
    if (chosen == null) {
      throw new IllegalArgumentException("a sweep needs at least one trial");
    }
    return new Sweep(selectBy, List.copyOf(trials), chosen);
  }

  /** The mean {@code selectBy} figure of a candidate over its label types. */
  double figure(Candidate candidate) {
    return trials.stream()
        .filter(t -> t.candidate().equals(candidate))
        .mapToDouble(t -> selectBy.of(t.best()))
        .average()
        .orElse(Double.NaN);
  }
}
