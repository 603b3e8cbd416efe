package dev.softlabels.truth;

import dev.softlabels.labels.AggregationMethod;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * MACE (Hovy et al. 2013), by EM: annotator a knows the answer with probability θ_a (its
 * competence) and reports the true class; otherwise it spams, drawing a label from its own spam
 * distribution ξ_a. So P(label j | true class c) = θ_a [j = c] + (1 − θ_a) ξ_a[j]. The paper keeps
 * the class prior uniform; learned is the default here: on an imbalanced crowd a uniform prior fits
 * the busiest annotators who mostly say the majority class as spammers of it, and a single minority
 * label then decides an image. The statistics of a pass: per annotator the expected number of
 * labels it knew, and per label the expected number it spammed. The M-step adds pseudo-count s: θ_a
 * = (s + known) / (2 s + labels), ξ_a[j] = (s + spammed_j) / (k s + spammed). EM starts from the
 * vote fractions where the paper restarts from random points ({@link #start}); the paper's
 * variational variant is not built.
 */
final class Mace implements TruthInference<Mace.Model> {

  private static final long serialVersionUID = 1L;

  /**
   * @param spam ξ_a[j] at a k + j
   */
  record Model(double[] prior, double[] competence, double[] spam, int classes)
      implements Serializable {}

  @Override
  public AggregationMethod method() {
    return AggregationMethod.MACE;
  }

  /**
   * Every label known (θ = 1): the first M-step then reads each annotator's competence as its
   * agreement with the vote fractions, as one-coin reads its accuracy and Dawid–Skene its
   * confusions. Started from θ = 1/2, an annotator who always gives one answer was already half a
   * spammer of it after that step, and where every annotator always gives the same answer EM went
   * on to fit them all as spammers: the higher likelihood, since a posterior equal to the prior has
   * no votes to explain, but no labels at all. Random restarts would not help: they keep the
   * likeliest fit.
   */
  @Override
  public Model start(int annotators, int classes) {
    double[] competence = new double[annotators];
    Arrays.fill(competence, 1.0);
    double[] spam = new double[annotators * classes];
    Arrays.fill(spam, 1.0 / classes);
    double[] prior = new double[classes];
    Arrays.fill(prior, 1.0 / classes);
    return new Model(prior, competence, spam, classes);
  }

  /** known[a], then spammed[a k + j] at annotators + a k + j. */
  @Override
  public int statisticsLength(int annotators, int classes) {
    return annotators * (1 + classes);
  }

  @Override
  public ImageModel pass(Model model, List<String> annotators) {
    int k = model.classes();
    double[] spamming = new double[model.spam().length];
    double[] knowing = new double[spamming.length];
    double[] known = new double[spamming.length];
    for (int a = 0; a < model.competence().length; a++) {
      double theta = model.competence()[a];
      for (int j = 0; j < k; j++) {
        double spammed = (1 - theta) * model.spam()[a * k + j];
        spamming[a * k + j] = Math.log(spammed);
        knowing[a * k + j] = Math.log(theta + spammed) - spamming[a * k + j];
        known[a * k + j] = theta / (theta + spammed);
      }
    }
    return new EStep(
        Arrays.stream(model.prior()).map(Math::log).toArray(),
        spamming,
        knowing,
        known,
        annotators.size());
  }

  @Override
  public Model estimate(Model model, Statistics statistics, EmSettings settings) {
    double s = settings.smoothing();
    int annotators = statistics.labels.length;
    int k = model.classes();
    double[] known = statistics.method;
    double[] competence = new double[annotators];
    double[] spam = new double[annotators * k];
    for (int a = 0; a < annotators; a++) {
      competence[a] = (s + known[a]) / (2 * s + statistics.labels[a]);
      double spammed = 0;
      for (int j = 0; j < k; j++) {
        spammed += known[annotators + a * k + j];
      }
      for (int j = 0; j < k; j++) {
        spam[a * k + j] = (s + known[annotators + a * k + j]) / (k * s + spammed);
      }
    }
    return new Model(statistics.prior(settings.classPrior(method())), competence, spam, k);
  }

  @Override
  public List<StructField> annotatorColumns() {
    return List.of(
        DataTypes.createStructField("competence", DataTypes.DoubleType, false),
        DataTypes.createStructField(
            "spam_distribution", DataTypes.createArrayType(DataTypes.DoubleType, false), false));
  }

  @Override
  public Object[] annotatorValues(Model model, int annotator) {
    int k = model.classes();
    return new Object[] {
      model.competence()[annotator],
      Arrays.stream(model.spam(), annotator * k, (annotator + 1) * k).boxed().toArray(Double[]::new)
    };
  }

  /**
   * The E-step: label j from annotator a adds spamming[a k + j] = log((1 − θ_a) ξ_a[j]) to every
   * class and knowing[a k + j] = log(θ_a + (1 − θ_a) ξ_a[j]) − spamming[a k + j] more to class j.
   * For the statistics, known[a k + j] = θ_a / (θ_a + (1 − θ_a) ξ_a[j]).
   */
  private record EStep(
      double[] logPrior, double[] spamming, double[] knowing, double[] known, int annotators)
      implements ImageModel {
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
      double base = 0;
      for (int v = from; v < to; v++) {
        base += spamming[annotator[v] * k + reported[v]];
      }
      Arrays.fill(posterior, base);
      for (int v = from; v < to; v++) {
        posterior[reported[v]] += knowing[annotator[v] * k + reported[v]];
      }
      return Posteriors.normalise(logPrior, posterior);
    }

    /**
     * A label j is known with probability P(true class j) known[a k + j]: a true j explains it by
     * knowing or by spamming j, any other true class only by spamming.
     */
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
      int k = logPrior.length;
      for (int v = from; v < to; v++) {
        int cell = annotator[v] * k + reported[v];
        double knew = posterior[reported[v]] * known[cell];
        statistics[annotator[v]] += knew;
        statistics[annotators + cell] += 1 - knew;
      }
    }
  }
}
