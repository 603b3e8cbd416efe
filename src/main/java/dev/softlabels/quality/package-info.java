/**
 * The label-quality report: what a crowd's votes say about the images and the annotators, for an
 * aggregate run and for every relabel night. The figures ({@link
 * dev.softlabels.quality.QualityReport}, written as report.json) are summed where the jobs already
 * walk the images ({@link dev.softlabels.quality.CrowdFigures}, {@link
 * dev.softlabels.quality.AnnotatorQuality}); the page ({@link dev.softlabels.quality.QualityPage})
 * is rendered from them alone. Public: those four and {@link dev.softlabels.quality.AnnotatorFlag}.
 */
package dev.softlabels.quality;
