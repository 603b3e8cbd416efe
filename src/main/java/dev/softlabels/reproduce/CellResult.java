package dev.softlabels.reproduce;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One (dataset, split, label type) cell of the study: the test-split metrics of its trained model.
 */
public record CellResult(
    @JsonProperty("dataset") String dataset,
    @JsonProperty("split") int split,
    @JsonProperty("label_type") String labelType,
    @JsonProperty("metrics") Map<String, Double> metrics) {}
