package dev.softlabels.train;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.softlabels.config.Choices;
import java.util.function.ToDoubleFunction;

/**
 * Which validation figure picks the best epoch (softlabels.train.select-by). Only the validation
 * part of the split is ever scored during training, so the choice never sees a test image.
 */
public enum EpochSelection {
  /** The training loss on validation: cross-entropy against the run's own targets. */
  LOSS(TrainState.Epoch::validationLoss, false),
  /** KL(soft label ‖ prediction) on validation: how close the predicted distributions come. */
  KL(TrainState.Epoch::validationKl, false),
  /** Macro accuracy on validation. */
  MACRO_ACCURACY(TrainState.Epoch::validationMacroAccuracy, true);

  private final ToDoubleFunction<TrainState.Epoch> value;
  private final boolean largerIsBetter;

  EpochSelection(ToDoubleFunction<TrainState.Epoch> value, boolean largerIsBetter) {
    this.value = value;
    this.largerIsBetter = largerIsBetter;
  }

  /** The figure this selection reads from an epoch's validation record. */
  public double of(TrainState.Epoch epoch) {
    return value.applyAsDouble(epoch);
  }

  /** Whether {@code figure} is better than {@code than}; NaN never is, and anything beats NaN. */
  public boolean better(double figure, double than) {
    if (Double.isNaN(figure)) {
      return false;
    }
    return Double.isNaN(than) || (largerIsBetter ? figure > than : figure < than);
  }

  /** Whether {@code candidate} beats {@code best} (null: none yet). */
  public boolean beats(TrainState.Epoch candidate, TrainState.Epoch best) {
    return better(of(candidate), best == null ? Double.NaN : of(best));
  }

  /** As written in configuration. */
  @JsonValue
  @Override
  public String toString() {
    return Choices.name(this);
  }
}
