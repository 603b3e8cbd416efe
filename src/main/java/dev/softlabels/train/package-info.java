/**
 * The train job: networks (hand-built and from the model zoo), distributed minibatch training with
 * checkpoints, fine-tuning from a trained network, and inference with a trained one. Its data comes
 * from {@code dev.softlabels.dataset}.
 *
 * <p>Public: {@link dev.softlabels.train.TrainJob} and {@link dev.softlabels.train.TrainSettings}
 * (with its parts: {@link dev.softlabels.train.Network}, {@link
 * dev.softlabels.train.OptimizerSettings}, {@link dev.softlabels.train.LearningRateSchedule},
 * {@link dev.softlabels.train.MinibatchRepartition}, {@link
 * dev.softlabels.train.TrainingApproach}), {@link dev.softlabels.train.TrainState}, {@link
 * dev.softlabels.train.Checkpoints}, {@link dev.softlabels.train.NeuralNet}, {@link
 * dev.softlabels.train.Networks}, {@link dev.softlabels.train.Inference}, {@link
 * dev.softlabels.train.Minibatches}, {@link dev.softlabels.train.ModelSnapshot}, {@link
 * dev.softlabels.train.VectorisedRelu}.
 */
package dev.softlabels.train;
