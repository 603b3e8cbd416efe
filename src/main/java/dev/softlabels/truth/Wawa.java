package dev.softlabels.truth;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.LabelMath;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Wawa (worker agreement with aggregate): each annotator's weight is the share of its labels that
 * agree with the majority vote (ties to the lowest class index), and an image's soft label is its
 * weighted vote fractions. One pass to weigh, one to vote: it does not iterate.
 */
final class Wawa implements TruthInference<double[]> {

  private static final long serialVersionUID = 1L;

  @Override
  public AggregationMethod method() {
    return AggregationMethod.WAWA;
  }

  @Override
  public double[] start(int annotators, int classes) {
    return null;
  }

  /** Per annotator, its labels equal to the image's majority vote. */
  @Override
  public int statisticsLength(int annotators, int classes) {
    return annotators;
  }

  @Override
  public boolean iterates() {
    return false;
  }

  @Override
  public ImageModel pass(double[] weights, List<String> annotators) {
    return new WeightedVote(weights);
  }

  @Override
  public double[] estimate(double[] weights, Statistics statistics, EmSettings settings) {
    double[] next = new double[statistics.labels.length];
    for (int a = 0; a < next.length; a++) {
      next[a] = statistics.method[a] / statistics.labels[a];
    }
    return next;
  }

  @Override
  public List<StructField> annotatorColumns() {
    return List.of(DataTypes.createStructField("weight", DataTypes.DoubleType, false));
  }

  @Override
  public Object[] annotatorValues(double[] weights, int annotator) {
    return new Object[] {weights[annotator]};
  }

  /** The weighted vote; where every voter of an image weighs 0, its plain vote fractions. */
  private record WeightedVote(double[] weights) implements ImageModel {
    @Override
    public double posterior(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] image,
        int at,
        double[] posterior) {
      Arrays.fill(posterior, 0.0);
      double total = 0;
      for (int v = from; v < to; v++) {
        posterior[reported[v]] += weights[annotator[v]];
        total += weights[annotator[v]];
      }
      if (total == 0) {
        for (int v = from; v < to; v++) {
          posterior[reported[v]]++;
        }
        total = to - from;
      }
      for (int c = 0; c < posterior.length; c++) {
        posterior[c] /= total;
      }
      return Double.NaN;
    }

    @Override
    public void accumulate(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] posterior,
        double[] image,
        int at,
        double[] statistics) {
      int majority = LabelMath.argmax(posterior);
      for (int v = from; v < to; v++) {
        if (reported[v] == majority) {
          statistics[annotator[v]]++;
        }
      }
    }
  }
}
