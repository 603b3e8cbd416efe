/**
 * The annotation tools' exports, each read into the canonical annotation table with the tool's own
 * rejections (skipped, cancelled, unparsable) as reasons: {@link
 * dev.softlabels.annotations.tools.LabelStudioAnnotations}, {@link
 * dev.softlabels.annotations.tools.SageMakerAnnotations}, {@link
 * dev.softlabels.annotations.tools.MturkAnnotations} and {@link
 * dev.softlabels.annotations.tools.TolokaAnnotations}, all public for {@link
 * dev.softlabels.annotations.AnnotationReader}, which picks one by format.
 */
package dev.softlabels.annotations.tools;
