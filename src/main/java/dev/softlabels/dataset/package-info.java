/**
 * The image dataset the model jobs read: which images and labels (a {@link
 * dev.softlabels.dataset.DataSpec}), the seeded split and image ids ({@link
 * dev.softlabels.dataset.ImageTable}), label ids and types, decoded and augmented examples ({@link
 * dev.softlabels.dataset.TrainingData}, {@link dev.softlabels.dataset.Augmentation}). train,
 * evaluate and embed read their data through it, so every job sees the same split of the same data.
 *
 * <p>Public: {@link dev.softlabels.dataset.DataSpec}, {@link dev.softlabels.dataset.ImageTable},
 * {@link dev.softlabels.dataset.TrainingData}, {@link dev.softlabels.dataset.Augmentation}, {@link
 * dev.softlabels.dataset.LabelType}, {@link dev.softlabels.dataset.LabelIdPattern}.
 */
package dev.softlabels.dataset;
