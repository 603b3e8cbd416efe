package dev.softlabels.reproduce;

import java.util.List;
import java.util.Map;

/**
 * One dataset's feature-space pictures for the report: the embed job's plots of split 0's models.
 *
 * @param plots plot name (e.g. colour-interpolation) to its path relative to the report
 * @param measures model (label type) to the embed job's neighbourhood measures
 */
public record FeatureSpace(
    String dataset,
    String caption,
    Map<String, String> plots,
    Map<String, Map<String, Double>> measures) {

  /** The measures the report shows, in the feature space itself (t-SNE maps are only pictures). */
  static final List<String> SHOWN =
      List.of("features_class_purity", "features_distribution_distance");
}
