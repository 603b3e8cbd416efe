/**
 * The label-quality report: what a crowd's votes say about the images and the annotators, for an
 * aggregate run and for every relabel night. The figures ({@link
 * dev.softlabels.quality.QualityReport}, written as report.json) are summed where the jobs already
 * walk the images ({@link dev.softlabels.quality.CrowdFigures}, with {@link
 * dev.softlabels.quality.Best} for the listed images) and per annotator ({@link
 * dev.softlabels.quality.AnnotatorTable} of {@link dev.softlabels.quality.AnnotatorQuality} rows,
 * flagged by {@link dev.softlabels.quality.AnnotatorFlag}'s rules); the page ({@link
 * dev.softlabels.quality.QualityPage}) is rendered from the figures alone, and {@link
 * dev.softlabels.quality.QualityReports} writes both, as {@link
 * dev.softlabels.quality.ReportSettings} says. The agreement statistics themselves are the label
 * contract's ({@code labels.Agreement}).
 */
package dev.softlabels.quality;
