package dev.softlabels.train;

import java.io.Serializable;

/**
 * Which images and labels a job reads, and how images are split: shared by train and evaluate so
 * both see exactly the same split of the same data.
 */
public record DataSpec(
    String images,
    String labels,
    LabelType labelType,
    int split,
    double trainFraction,
    double validationFraction,
    String imageIdPattern)
    implements Serializable {}
