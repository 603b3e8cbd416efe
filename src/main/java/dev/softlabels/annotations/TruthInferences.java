package dev.softlabels.annotations;

import dev.softlabels.labels.AggregationMethod;

/** The truth-inference method behind each aggregation method other than the majority vote. */
final class TruthInferences {

  private TruthInferences() {}

  static TruthInference<?> of(AggregationMethod method) {
    return switch (method) {
      case DAWID_SKENE -> new DawidSkene();
      case ONE_COIN -> new OneCoinDawidSkene();
      case GLAD -> new Glad();
      case MACE -> new Mace();
      case WAWA -> new Wawa();
      case MAJORITY -> throw new IllegalArgumentException("the majority vote counts votes: it has no model");
    };
  }
}
