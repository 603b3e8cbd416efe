package dev.softlabels.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where a training run stands: epochs done, the per-epoch history and the best epoch so far. Saved
 * with every checkpoint; {@code settings} records the configuration that produced it, {@code
 * classes} the class names of the label table it trained on (empty when the table records none),
 * which tells a fine-tune whether the network's output layer fits its labels.
 */
public record TrainState(
    @JsonProperty("epochs_done") int epochsDone,
    @JsonProperty("best_epoch") int bestEpoch,
    @JsonProperty("best_validation_loss") double bestValidationLoss,
    @JsonProperty("history") List<Epoch> history,
    @JsonProperty("settings") Object settings,
    @JsonProperty("classes") List<String> classes) {

  /** A checkpoint written before classes were recorded reads as recording none. */
  public TrainState {
    classes = classes == null ? List.of() : List.copyOf(classes);
  }

  /** One epoch's progress line, as data. */
  public record Epoch(
      @JsonProperty("epoch") int epoch,
      @JsonProperty("learning_rate") double learningRate,
      @JsonProperty("train_examples") long trainExamples,
      @JsonProperty("train_seconds") double trainSeconds,
      @JsonProperty("examples_per_second") double examplesPerSecond,
      @JsonProperty("validation_loss") double validationLoss,
      @JsonProperty("validation_kl") double validationKl,
      @JsonProperty("validation_accuracy") double validationAccuracy,
      @JsonProperty("validation_macro_accuracy") double validationMacroAccuracy) {}
}
