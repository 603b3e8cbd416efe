/**
 * The reproduce study: for each split and label type a cell trained and evaluated on the synthetic
 * dataset or CIFAR-10H, from scratch or from the CIFAR-10 backbone, and the report. It composes the
 * other jobs' typed settings ({@code TrainSettings.from(config, data, modelDir).withInitFrom(...)}
 * and the like), never their configuration keys.
 *
 * <p>Public: {@link dev.softlabels.reproduce.ReproduceJob}, {@link
 * dev.softlabels.reproduce.ReproduceSettings}, {@link dev.softlabels.reproduce.CellResult}, {@link
 * dev.softlabels.reproduce.FeatureSpace}, {@link dev.softlabels.reproduce.ReportRenderer}, {@link
 * dev.softlabels.reproduce.Cifar10hData}.
 */
package dev.softlabels.reproduce;
