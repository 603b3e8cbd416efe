package dev.softlabels.truth;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The Dawid–Skene parameters: a class prior and one confusion matrix per annotator, estimated (the
 * M-step) from posterior mass — for each annotator and reported class, the sum over the images it
 * gave that label of their posterior class distributions. Small (k + annotators × k × k numbers),
 * so it lives on the driver and is broadcast to the E-step; plain Java, no Spark.
 *
 * @param prior probability of each true class
 * @param annotators annotator a's at index a (the engine's annotators are their ids in order)
 */
record DawidSkeneModel(double[] prior, List<AnnotatorEstimate> annotators) implements Serializable {

  /**
   * One annotator's estimate.
   *
   * @param confusion confusion[c][j]: probability that it reports class j for an image of true
   *     class c
   * @param labels how many labels it gave
   * @param accuracy the share of its labels that agree with the true class, in expectation over the
   *     posteriors
   */
  public record AnnotatorEstimate(double[][] confusion, long labels, double accuracy)
      implements Serializable {}

  /**
   * Posterior mass of one (annotator, reported class) pair.
   *
   * @param byTrueClass per true class c, the sum of P(true class = c) over the images it labelled
   *     reportedClass
   * @param labels how many such labels
   */
  public record Mass(int annotator, int reportedClass, double[] byTrueClass, long labels) {}

  /**
   * The M-step with Laplace smoothing {@code s}: confusion[c][j] = (s + mass[c][j]) / (k s + sum_j
   * mass[c][j]).
   *
   * @param prior the class prior of the new model, as its {@link ClassPrior} set it
   */
  public static DawidSkeneModel estimate(
      double[] prior, int annotators, List<Mass> masses, double smoothing) {
    int k = prior.length;
    double[][][] massByAnnotator = new double[annotators][k][k];
    long[] labels = new long[annotators];
    for (Mass m : masses) {
      for (int c = 0; c < k; c++) {
        massByAnnotator[m.annotator()][c][m.reportedClass()] += m.byTrueClass()[c];
      }
      labels[m.annotator()] += m.labels();
    }
    List<AnnotatorEstimate> estimates = new ArrayList<>(annotators);
    for (int a = 0; a < annotators; a++) {
      double[][] mass = massByAnnotator[a];
      double[][] confusion = new double[k][k];
      double agreeing = 0;
      for (int c = 0; c < k; c++) {
        double row = 0;
        for (int j = 0; j < k; j++) {
          row += mass[c][j];
        }
        for (int j = 0; j < k; j++) {
          confusion[c][j] = (smoothing + mass[c][j]) / (k * smoothing + row);
        }
        agreeing += mass[c][c];
      }
      estimates.add(
          new AnnotatorEstimate(confusion, labels[a], labels[a] == 0 ? 0.0 : agreeing / labels[a]));
    }
    return new DawidSkeneModel(prior, List.copyOf(estimates));
  }

  public int classes() {
    return prior.length;
  }

  /**
   * For the E-step: per annotator and reported class j, the column log confusion[.][j] — what a
   * label j from that annotator adds to each true class's log-odds.
   */
  public double[] logColumn(int annotator, int reportedClass) {
    double[][] confusion = annotators.get(annotator).confusion();
    double[] column = new double[prior.length];
    for (int c = 0; c < column.length; c++) {
      column[c] = Math.log(confusion[c][reportedClass]);
    }
    return column;
  }

  public double[] logPrior() {
    double[] log = new double[prior.length];
    for (int c = 0; c < log.length; c++) {
      log[c] = Math.log(prior[c]);
    }
    return log;
  }
}
