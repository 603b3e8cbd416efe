package dev.softlabels.train;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.softlabels.config.Choices;

/** How the learning rate moves over the epochs (softlabels.train.optimizer.schedule). */
public enum LearningRateSchedule {
  /** Cosine annealing from learning-rate to min-learning-rate, with optional warm restarts. */
  COSINE,
  /** learning-rate throughout. */
  CONSTANT;

  /** As written in configuration (and in a checkpoint's state.json). */
  @JsonValue
  @Override
  public String toString() {
    return Choices.name(this);
  }
}
