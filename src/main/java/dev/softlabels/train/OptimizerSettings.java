package dev.softlabels.train;

import java.io.Serializable;

/**
 * SGD with Nesterov momentum, decoupled weight decay and a cosine learning-rate schedule (with
 * optional warm restarts): the paper's recipe.
 *
 * @param restartEpochs length of the first cosine cycle in epochs; 0 means a single cycle over all
 *     epochs (no restarts)
 * @param restartMultiplier each later cycle is this many times longer (SGDR's T_mult)
 */
public record OptimizerSettings(
    double learningRate,
    double minLearningRate,
    double momentum,
    double weightDecay,
    LearningRateSchedule schedule,
    int restartEpochs,
    int restartMultiplier)
    implements Serializable {

  public OptimizerSettings withLearningRate(double learningRate) {
    return new OptimizerSettings(
        learningRate,
        minLearningRate,
        momentum,
        weightDecay,
        schedule,
        restartEpochs,
        restartMultiplier);
  }

  /** The learning rate for a 0-based epoch out of {@code epochs}. */
  public double learningRate(int epoch, int epochs) {
    if (schedule == LearningRateSchedule.CONSTANT) {
      return learningRate;
    }
    int cycle = restartEpochs > 0 ? restartEpochs : epochs;
    int start = 0;
    while (restartEpochs > 0 && epoch >= start + cycle) {
      start += cycle;
      cycle *= Math.max(1, restartMultiplier);
    }
    double progress = (double) (epoch - start) / cycle;
    return minLearningRate
        + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress));
  }
}
