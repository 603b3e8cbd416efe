/**
 * The Spark ML face of the project for users' own pipelines: {@link
 * dev.softlabels.ml.LabelAggregator} (an Estimator from annotation rows to a label model) and
 * {@link dev.softlabels.ml.SoftLabelEvaluator} (an Evaluator for accuracy and KL). Both public:
 * this package is an API.
 */
package dev.softlabels.ml;
