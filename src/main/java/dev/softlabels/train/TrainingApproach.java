package dev.softlabels.train;

/**
 * How minibatches reach the workers each epoch: EXPORT writes them once to files every executor
 * reads, DIRECT decodes them again each round, AUTO exports when such files are possible (local
 * mode or a remote export directory).
 */
public enum TrainingApproach {
  AUTO,
  EXPORT,
  DIRECT
}
