package dev.softlabels.truth;

import dev.softlabels.labels.AggregationMethod;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.types.StructField;

/**
 * A truth-inference method run by the {@link Em} engine: its model of the annotators, the E-step it
 * makes per image and the M-step it makes from the statistics of a pass, merged over all images.
 * Plain Java, no Spark: a method is one class and one line of {@link TruthInferences}.
 *
 * @param <M> the model the driver holds between passes: small (a few numbers per annotator and
 *     class)
 */
interface TruthInference<M extends Serializable> extends Serializable {

  AggregationMethod method();

  /**
   * The model the first pass's statistics are gathered with, whose posteriors are the vote
   * fractions.
   */
  M start(int annotators, int classes);

  /**
   * How many numbers the method's part of a pass's statistics holds: the length of {@link
   * Statistics#method}.
   */
  int statisticsLength(int annotators, int classes);

  /**
   * Numbers each image keeps from one pass to the next (GLAD's difficulty), 0 for methods whose
   * parameters are all the annotators'. They start at 0.
   */
  default int imageParameters() {
    return 0;
  }

  /** Whether the M-step is followed by more passes: false for one-shot methods (Wawa). */
  default boolean iterates() {
    return true;
  }

  /**
   * The E-step and the statistics of a pass with this model; annotator a is {@code
   * annotators.get(a)}.
   */
  ImageModel pass(M model, List<String> annotators);

  /** The M-step: the next model from the merged statistics of a pass made with {@code model}. */
  M estimate(M model, Statistics statistics, EmSettings settings);

  /**
   * annotators/ columns beyond annotator_id, labels and accuracy, and annotator a's values of them.
   */
  List<StructField> annotatorColumns();

  Object[] annotatorValues(M model, int annotator);

  /**
   * labels/ columns beyond the label table's, each image's values from {@link
   * ImageModel#imageValues}.
   */
  default List<StructField> imageColumns() {
    return List.of();
  }

  /** Gives each image its posterior over the true class. */
  interface Posteriors extends Serializable {
    /**
     * Writes the posterior of the image with votes (annotator[v], reported[v]) for v in [from, to)
     * into {@code posterior} and returns its log-likelihood (NaN where the method has none). The
     * image's own parameters are {@code image[at]} onwards.
     */
    double posterior(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] image,
        int at,
        double[] posterior);

    /**
     * Per class c, logPrior[c] plus the log-likelihood of the votes given c (in {@code
     * logLikelihoods}), normalised in place into the posterior; returns the log of the normaliser,
     * the image's log-likelihood.
     */
    static double normalise(double[] logPrior, double[] logLikelihoods) {
      int k = logPrior.length;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        logLikelihoods[c] += logPrior[c];
        max = Math.max(max, logLikelihoods[c]);
      }
      double normaliser = 0;
      for (int c = 0; c < k; c++) {
        logLikelihoods[c] = Math.exp(logLikelihoods[c] - max);
        normaliser += logLikelihoods[c];
      }
      for (int c = 0; c < k; c++) {
        logLikelihoods[c] /= normaliser;
      }
      return max + Math.log(normaliser);
    }
  }

  /**
   * One pass's per-image work with a model: the E-step, then the image's share of the statistics.
   */
  interface ImageModel extends Posteriors {
    /**
     * Adds the image's share to {@code statistics} (the method's part), given its posterior, and
     * updates the image's own parameters in place.
     */
    void accumulate(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] posterior,
        double[] image,
        int at,
        double[] statistics);

    /**
     * The E-step with this model, then the statistics: a pass's work on one image once the model
     * gives the posteriors. A method may fuse the two to share what both compute.
     */
    default double passImage(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] image,
        int at,
        double[] posterior,
        double[] statistics) {
      double logLikelihood = posterior(annotator, reported, from, to, image, at, posterior);
      accumulate(annotator, reported, from, to, posterior, image, at, statistics);
      return logLikelihood;
    }

    /** The image's values of {@link TruthInference#imageColumns}. */
    default Object[] imageValues(double[] image, int at) {
      return new Object[0];
    }
  }

  /**
   * A pass's sufficient statistics, summed over images: what every method needs (the posterior
   * totals, each annotator's labels and the posterior mass on the class it reported, the
   * log-likelihood) and the method's own part.
   */
  final class Statistics implements Serializable {
    private static final long serialVersionUID = 1L;
    final double[] posteriorTotals;

    /** labels[a]: how many labels annotator a gave. */
    final long[] labels;

    /** agreeing[a]: the sum over annotator a's labels of the posterior of the class it reported. */
    final double[] agreeing;

    final double[] method;
    double logLikelihood;
    long images;
    long votes;

    Statistics(int annotators, int classes, int method) {
      this.posteriorTotals = new double[classes];
      this.labels = new long[annotators];
      this.agreeing = new double[annotators];
      this.method = new double[method];
    }

    Statistics merge(Statistics other) {
      add(posteriorTotals, other.posteriorTotals);
      add(agreeing, other.agreeing);
      add(method, other.method);
      for (int a = 0; a < labels.length; a++) {
        labels[a] += other.labels[a];
      }
      logLikelihood += other.logLikelihood;
      images += other.images;
      votes += other.votes;
      return this;
    }

    private static void add(double[] into, double[] values) {
      for (int i = 0; i < into.length; i++) {
        into[i] += values[i];
      }
    }

    /** The next class prior from these posteriors, as {@code prior} sets it. */
    double[] prior(ClassPrior prior) {
      return prior.estimate(posteriorTotals, images);
    }

    /** Annotator a's expected share of labels matching the true class; 0 without labels. */
    double accuracy(int annotator) {
      return labels[annotator] == 0 ? 0.0 : agreeing[annotator] / labels[annotator];
    }
  }
}
