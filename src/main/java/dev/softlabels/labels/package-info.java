/**
 * The label-table contract at the bottom of the package graph: the columns every job reads and
 * writes ({@link dev.softlabels.labels.LabelColumns}, {@link dev.softlabels.labels.ImageColumns},
 * {@link dev.softlabels.labels.ClassColumns}), the class list ({@link
 * dev.softlabels.labels.ClassList}), a label row and its arithmetic ({@link
 * dev.softlabels.labels.LabelRow}, {@link dev.softlabels.labels.LabelMath}: soft label, hard label
 * with ties to the lowest index, agreement, entropy), the aggregation methods' names ({@link
 * dev.softlabels.labels.AggregationMethod}) and the metrics of the paper ({@link
 * dev.softlabels.labels.Metrics}, {@link dev.softlabels.labels.SoftLabelMetrics}: macro accuracy,
 * KL with 1e-5 clipping; {@link dev.softlabels.labels.ConfidenceBins}, the bins of the ECE; {@link
 * dev.softlabels.labels.NonFinitePredictions} when predictions hold NaN).
 *
 * <p>All public; it depends only on {@code config} (an ArchUnit rule in {@code PackageGraphTest}).
 */
package dev.softlabels.labels;
