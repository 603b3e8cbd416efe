package dev.softlabels.truth;

import dev.softlabels.labels.AggregationMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.StructField;

/**
 * Dawid & Skene (1979): a class prior and one confusion matrix per annotator ({@link
 * DawidSkeneModel}). The statistics of a pass are, per annotator and reported class j, the
 * posterior mass by true class of the images it labelled j, and how many such labels.
 */
final class DawidSkene implements TruthInference<DawidSkeneModel> {

  private static final long serialVersionUID = 1L;

  @Override
  public AggregationMethod method() {
    return AggregationMethod.DAWID_SKENE;
  }

  /** The M-step of the first pass only sums posteriors: it needs no model. */
  @Override
  public DawidSkeneModel start(int annotators, int classes) {
    return null;
  }

  /** mass[(a k + j) k + c], then labels[a k + j] at a k k + a k + j. */
  @Override
  public int statisticsLength(int annotators, int classes) {
    return annotators * classes * (classes + 1);
  }

  @Override
  public ImageModel pass(DawidSkeneModel model, List<String> annotators) {
    return model == null
        ? new EStep(new double[0], new double[0], annotators.size())
        : EStep.of(model, annotators);
  }

  @Override
  public DawidSkeneModel estimate(
      DawidSkeneModel model, Statistics statistics, EmSettings settings) {
    int k = statistics.posteriorTotals.length;
    int annotators = statistics.labels.length;
    double[] sums = statistics.method;
    int labelsAt = annotators * k * k;
    List<DawidSkeneModel.Mass> masses = new ArrayList<>();
    for (int a = 0; a < annotators; a++) {
      for (int j = 0; j < k; j++) {
        long n = (long) sums[labelsAt + a * k + j];
        if (n > 0) {
          masses.add(
              new DawidSkeneModel.Mass(
                  a, j, Arrays.copyOfRange(sums, (a * k + j) * k, (a * k + j + 1) * k), n));
        }
      }
    }
    return DawidSkeneModel.estimate(
        statistics.prior(settings.classPrior(method())), annotators, masses, settings.smoothing());
  }

  @Override
  public List<StructField> annotatorColumns() {
    return List.of(ConfusionColumn.FIELD);
  }

  @Override
  public Object[] annotatorValues(DawidSkeneModel model, int annotator) {
    return new Object[] {ConfusionColumn.value(model.annotators().get(annotator).confusion())};
  }

  /**
   * The E-step of a model: logPrior[c], and logConfusion[(a k + j) k + c] = log confusion_a[c][j]
   * for annotator a, so an image's votes add contiguous columns.
   */
  private record EStep(double[] logPrior, double[] logConfusion, int annotators)
      implements ImageModel {

    static EStep of(DawidSkeneModel model, List<String> annotators) {
      int k = model.classes();
      double[] logConfusion = new double[annotators.size() * k * k];
      for (int a = 0; a < annotators.size(); a++) {
        for (int j = 0; j < k; j++) {
          System.arraycopy(model.logColumn(a, j), 0, logConfusion, (a * k + j) * k, k);
        }
      }
      return new EStep(model.logPrior(), logConfusion, annotators.size());
    }

    @Override
    public double posterior(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] image,
        int at,
        double[] posterior) {
      int k = logPrior.length;
      Arrays.fill(posterior, 0.0);
      for (int v = from; v < to; v++) {
        int column = (annotator[v] * k + reported[v]) * k;
        for (int c = 0; c < k; c++) {
          posterior[c] += logConfusion[column + c];
        }
      }
      return Posteriors.normalise(logPrior, posterior);
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
      int k = posterior.length;
      int labelsAt = annotators * k * k;
      for (int v = from; v < to; v++) {
        int cell = annotator[v] * k + reported[v];
        statistics[labelsAt + cell]++;
        for (int c = 0; c < k; c++) {
          statistics[cell * k + c] += posterior[c];
        }
      }
    }
  }
}
