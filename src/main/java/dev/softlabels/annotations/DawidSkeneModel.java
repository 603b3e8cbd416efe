package dev.softlabels.annotations;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Dawid–Skene parameters: a class prior and one confusion matrix per annotator, estimated (the
 * M-step) from posterior mass — for each annotator and reported class, the sum over the images it gave
 * that label of their posterior class distributions. Small (k + annotators × k × k numbers), so it
 * lives on the driver and is broadcast to the E-step; plain Java, no Spark.
 *
 * @param prior probability of each true class
 * @param annotators per annotator id, in id order
 */
public record DawidSkeneModel(double[] prior, SortedMap<String, AnnotatorEstimate> annotators) implements Serializable {

  /**
   * One annotator's estimate.
   *
   * @param confusion confusion[c][j]: probability that it reports class j for an image of true class c
   * @param labels how many labels it gave
   * @param accuracy the share of its labels that agree with the true class, in expectation over the posteriors
   */
  public record AnnotatorEstimate(double[][] confusion, long labels, double accuracy) implements Serializable {}

  /**
   * Posterior mass of one (annotator, reported class) pair.
   *
   * @param byTrueClass per true class c, the sum of P(true class = c) over the images it labelled reportedClass
   * @param labels how many such labels
   */
  public record Mass(String annotator, int reportedClass, double[] byTrueClass, long labels) {}

  /**
   * The M-step with Laplace smoothing {@code s}: confusion[c][j] = (s + mass[c][j]) / (k s + sum_j mass[c][j]),
   * prior[c] = (s + total[c]) / (images + k s).
   *
   * @param posteriorTotals per class, the sum over images of the posterior
   */
  public static DawidSkeneModel estimate(double[] posteriorTotals, long images, List<Mass> masses, double smoothing) {
    int k = posteriorTotals.length;
    double[] prior = new double[k];
    for (int c = 0; c < k; c++) {
      prior[c] = (smoothing + posteriorTotals[c]) / (images + k * smoothing);
    }
    SortedMap<String, double[][]> massByAnnotator = new TreeMap<>();
    SortedMap<String, Long> labels = new TreeMap<>();
    for (Mass m : masses) {
      double[][] mass = massByAnnotator.computeIfAbsent(m.annotator(), a -> new double[k][k]);
      for (int c = 0; c < k; c++) {
        mass[c][m.reportedClass()] += m.byTrueClass()[c];
      }
      labels.merge(m.annotator(), m.labels(), Long::sum);
    }
    SortedMap<String, AnnotatorEstimate> annotators = new TreeMap<>();
    massByAnnotator.forEach((annotator, mass) -> {
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
      long n = labels.get(annotator);
      annotators.put(annotator, new AnnotatorEstimate(confusion, n, n == 0 ? 0.0 : agreeing / n));
    });
    return new DawidSkeneModel(prior, Collections.unmodifiableSortedMap(annotators));
  }

  public int classes() {
    return prior.length;
  }

  /**
   * For the E-step: per annotator and reported class j, the column log confusion[.][j] — what a label j
   * from that annotator adds to each true class's log-odds.
   */
  public double[] logColumn(String annotator, int reportedClass) {
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
