package dev.softlabels.labels;

import java.io.Serializable;

/**
 * One image's counted votes, as the vote pass gives them and the aggregation takes them: its counts
 * per class and, where the annotator models need them, who gave which class (annotators[v] reported
 * classes[v]; null otherwise).
 */
public record ImageVotes(String image, int[] counts, String[] annotators, int[] classes)
    implements Serializable {}
