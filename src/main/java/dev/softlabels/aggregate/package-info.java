/**
 * The aggregate job: annotation rows read, checked and counted, labelled by the majority vote or a
 * truth-inference method, and written as labels/, quarantine/, annotators/ and summary.json in one
 * commit. Public: {@link dev.softlabels.aggregate.AggregateJob}, {@link
 * dev.softlabels.aggregate.AggregateSettings}, {@link dev.softlabels.aggregate.AggregateSummary},
 * and {@link dev.softlabels.aggregate.LabelAggregation}, the votes-to-labels step the Spark ML
 * stage shares.
 */
package dev.softlabels.aggregate;
