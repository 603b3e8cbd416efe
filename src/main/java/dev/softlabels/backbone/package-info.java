/**
 * The CIFAR-10 backbone the study's cells fine-tune from: trained with a train preset's recipe on
 * the CIFAR-10 training images and scored on its test images, composing the train and evaluate
 * jobs' typed settings.
 *
 * <p>Public: {@link dev.softlabels.backbone.BackboneJob}, {@link
 * dev.softlabels.backbone.BackboneSettings}.
 */
package dev.softlabels.backbone;
