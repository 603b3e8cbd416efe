package dev.softlabels.truth;

import dev.softlabels.labels.AggregationMethod;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * One-coin Dawid–Skene: a class prior and one accuracy p_a per annotator, who reports the true
 * class with probability p_a and each other class with (1 − p_a) / (k − 1). A k × k confusion
 * matrix needs many labels per annotator; one number needs few. Its statistics are those every
 * method gathers: p_a = (s + posterior mass on the labels a gave) / (2 s + labels a gave). Its
 * prior is uniform by default, as in ZenCrowd: with errors the same for every class, a learned
 * prior is how the model explains one-sided errors, and it shrinks the class annotators miss until
 * it nearly vanishes.
 */
final class OneCoinDawidSkene implements TruthInference<OneCoinDawidSkene.Model> {

  private static final long serialVersionUID = 1L;

  /**
   * @param accuracy p_a for annotator a
   */
  record Model(double[] prior, double[] accuracy) implements Serializable {}

  @Override
  public AggregationMethod method() {
    return AggregationMethod.ONE_COIN;
  }

  @Override
  public Model start(int annotators, int classes) {
    return null;
  }

  @Override
  public int statisticsLength(int annotators, int classes) {
    return 0;
  }

  @Override
  public ImageModel pass(Model model, List<String> annotators) {
    if (model == null) {
      return new EStep(new double[0], new double[0], new double[0]);
    }
    int k = model.prior().length;
    double[] wrong = new double[model.accuracy().length];
    double[] right = new double[wrong.length];
    for (int a = 0; a < wrong.length; a++) {
      double p = model.accuracy()[a];
      wrong[a] = Math.log((1 - p) / Math.max(1, k - 1));
      right[a] = Math.log(p) - wrong[a];
    }
    return new EStep(Arrays.stream(model.prior()).map(Math::log).toArray(), wrong, right);
  }

  @Override
  public Model estimate(Model model, Statistics statistics, EmSettings settings) {
    double s = settings.smoothing();
    double[] accuracy = new double[statistics.labels.length];
    for (int a = 0; a < accuracy.length; a++) {
      accuracy[a] = (s + statistics.agreeing[a]) / (2 * s + statistics.labels[a]);
    }
    return new Model(statistics.prior(settings.classPrior(method())), accuracy);
  }

  @Override
  public List<StructField> annotatorColumns() {
    return List.of(DataTypes.createStructField("skill", DataTypes.DoubleType, false));
  }

  @Override
  public Object[] annotatorValues(Model model, int annotator) {
    return new Object[] {model.accuracy()[annotator]};
  }

  /**
   * The E-step: every vote adds wrong[a] = log((1 − p_a) / (k − 1)) to every class, and right[a] =
   * log p_a − wrong[a] more to the class it reports.
   */
  private record EStep(double[] logPrior, double[] wrong, double[] right) implements ImageModel {
    @Override
    public double posterior(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] image,
        int at,
        double[] posterior) {
      double base = 0;
      for (int v = from; v < to; v++) {
        base += wrong[annotator[v]];
      }
      Arrays.fill(posterior, base);
      for (int v = from; v < to; v++) {
        posterior[reported[v]] += right[annotator[v]];
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
        double[] statistics) {}
  }
}
