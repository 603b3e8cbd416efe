package dev.softlabels.truth;

import dev.softlabels.labels.AggregationMethod;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * GLAD (Whitehill et al. 2009): annotator a has ability α_a, image i difficulty 1/β_i (β_i =
 * e^{b_i} > 0), and a's label on i is right with probability σ(α_a β_i), each wrong class taking an
 * equal share of the rest; a class prior (uniform by default, as in the paper's code). The M-step
 * has no closed form: one Newton step per iteration on each ability (its statistics: the gradient
 * and curvature of the expected log-likelihood, summed over the annotator's labels) and one
 * Fisher-scoring step on each image's b_i, made in the pass right after the image's E-step, since
 * it only involves the image's own votes — so b_i is the one number each image keeps between
 * passes. Gaussian priors α ~ N(1, 1) and b ~ N(0, 1), as in the paper's code, keep unanimous
 * images and perfect annotators finite.
 */
final class Glad implements TruthInference<Glad.Model> {

  private static final long serialVersionUID = 1L;
  static final double ABILITY_PRIOR_MEAN = 1;
  static final double ABILITY_PRIOR_VARIANCE = 1;
  static final double LOG_BETA_PRIOR_MEAN = 0;
  static final double LOG_BETA_PRIOR_VARIANCE = 1;

  /**
   * A Fisher-scoring step on b moves it by at most this: far from the optimum the step overshoots.
   */
  static final double MAX_LOG_BETA_STEP = 1;

  /**
   * The abilities and the images' b are stepped from the same pass's statistics, and both move x =
   * α β: where they are strongly coupled the two whole steps overshoot together and the
   * log-likelihood alternates up and down for a hundred iterations and more (face-sentiment). The
   * first fall of the log-likelihood halves every later step on b, which damps the alternation; a
   * fit that never falls keeps whole steps.
   */
  static final double DAMPED_LOG_BETA_STEP = 0.5;

  /**
   * @param step the share of each image's scoring step on b taken: 1, or {@link
   *     #DAMPED_LOG_BETA_STEP} once the log-likelihood has fallen
   * @param logLikelihood the log-likelihood of the pass this model was estimated from; NaN for the
   *     first
   */
  record Model(double[] prior, double[] ability, double step, double logLikelihood)
      implements Serializable {}

  @Override
  public AggregationMethod method() {
    return AggregationMethod.GLAD;
  }

  @Override
  public Model start(int annotators, int classes) {
    double[] prior = new double[classes];
    Arrays.fill(prior, 1.0 / classes);
    double[] ability = new double[annotators];
    Arrays.fill(ability, ABILITY_PRIOR_MEAN);
    return new Model(prior, ability, 1, Double.NaN);
  }

  /** b_i, starting at 0 (β = 1); the prior's mean is 0 too. */
  @Override
  public int imageParameters() {
    return 1;
  }

  /** gradient[a], then curvature[a] at annotators + a. */
  @Override
  public int statisticsLength(int annotators, int classes) {
    return 2 * annotators;
  }

  @Override
  public ImageModel pass(Model model, List<String> annotators) {
    return new EStep(
        model.ability(), Arrays.stream(model.prior()).map(Math::log).toArray(), model.step());
  }

  @Override
  public Model estimate(Model model, Statistics statistics, EmSettings settings) {
    int annotators = model.ability().length;
    double logLikelihood = statistics.logLikelihood;
    double step = logLikelihood < model.logLikelihood() ? DAMPED_LOG_BETA_STEP : model.step();
    double[] ability = new double[annotators];
    for (int a = 0; a < annotators; a++) {
      double alpha = model.ability()[a];
      double gradient =
          statistics.method[a] - (alpha - ABILITY_PRIOR_MEAN) / ABILITY_PRIOR_VARIANCE;
      double curvature = statistics.method[annotators + a] + 1 / ABILITY_PRIOR_VARIANCE;
      ability[a] = alpha + gradient / curvature;
    }
    return new Model(statistics.prior(settings.classPrior(method())), ability, step, logLikelihood);
  }

  @Override
  public List<StructField> annotatorColumns() {
    return List.of(DataTypes.createStructField("ability", DataTypes.DoubleType, false));
  }

  @Override
  public Object[] annotatorValues(Model model, int annotator) {
    return new Object[] {model.ability()[annotator]};
  }

  /** labels/ gains each image's difficulty 1/β_i: near 0 easy, large hard. */
  @Override
  public List<StructField> imageColumns() {
    return List.of(DataTypes.createStructField("difficulty", DataTypes.DoubleType, false));
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /**
   * The E-step: a vote with x = α_a β_i adds log((1 − σ(x)) / (k − 1)) to every class and log σ(x)
   * − log((1 − σ(x)) / (k − 1)) = x + log(k − 1) more to the class it reports. As log(1 − σ(x)) =
   * min(x, 0) − x − log(1 + e^{−|x|}), the image's logarithms are one logarithm of a product: an
   * exponential per vote, not a logarithm too (the E-step's cost is GLAD's iteration's).
   */
  private record EStep(double[] ability, double[] logPrior, double step, double[][] buffer)
      implements ImageModel {

    EStep(double[] ability, double[] logPrior, double step) {
      this(ability, logPrior, step, new double[1][]);
    }

    /**
     * A buffer for an image's σ(x), reused from image to image: a pass allocates nothing per image.
     * Each task deserialises its own copy of the model, so no two threads share it.
     */
    private double[] sigmas(int votes) {
      if (buffer[0] == null || buffer[0].length < votes) {
        buffer[0] = new double[Math.max(votes, 16)];
      }
      return buffer[0];
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
      return eStep(annotator, reported, from, to, Math.exp(image[at]), posterior, null);
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
      statistics(annotator, reported, from, to, posterior, image, at, statistics, null);
    }

    /** Both steps, the statistics reading the σ(x) the E-step computed. */
    @Override
    public double passImage(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] image,
        int at,
        double[] posterior,
        double[] statistics) {
      double[] sigmas = sigmas(to - from);
      double logLikelihood =
          eStep(annotator, reported, from, to, Math.exp(image[at]), posterior, sigmas);
      statistics(annotator, reported, from, to, posterior, image, at, statistics, sigmas);
      return logLikelihood;
    }

    /** The E-step; with {@code sigmas}, σ(x) of vote v written at v − from. */
    private double eStep(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double beta,
        double[] posterior,
        double[] sigmas) {
      int k = logPrior.length;
      double logWrongClasses = Math.log(Math.max(1, k - 1));
      double base = -(to - from) * logWrongClasses;
      // Each factor is within [1, 2]: rescaled long before it could overflow.
      double product = 1;
      Arrays.fill(posterior, 0.0);
      for (int v = from; v < to; v++) {
        double x = ability[annotator[v]] * beta;
        double t = Math.exp(-Math.abs(x));
        base += Math.min(x, 0) - x;
        product *= 1 + t;
        if (product > 1e300) {
          base -= Math.log(product);
          product = 1;
        }
        posterior[reported[v]] += x + logWrongClasses;
        if (sigmas != null) {
          sigmas[v - from] = (x >= 0 ? 1 : t) / (1 + t);
        }
      }
      base -= Math.log(product);
      for (int c = 0; c < k; c++) {
        posterior[c] += base;
      }
      return Posteriors.normalise(logPrior, posterior);
    }

    /**
     * With q the posterior of the class a vote reports, the expected log-likelihood's derivative in
     * x is q − σ(x) and its curvature −σ(x)(1 − σ(x)); by the chain rule through x = α β and β =
     * e^b. Without {@code sigmas}, σ(x) is computed here.
     */
    private void statistics(
        int[] annotator,
        int[] reported,
        int from,
        int to,
        double[] posterior,
        double[] image,
        int at,
        double[] statistics,
        double[] sigmas) {
      int annotators = ability.length;
      double b = image[at];
      double beta = Math.exp(b);
      double gradientB = -(b - LOG_BETA_PRIOR_MEAN) / LOG_BETA_PRIOR_VARIANCE;
      double informationB = 1 / LOG_BETA_PRIOR_VARIANCE;
      for (int v = from; v < to; v++) {
        int a = annotator[v];
        double x = ability[a] * beta;
        double sigma = sigmas == null ? sigmoid(x) : sigmas[v - from];
        double residual = posterior[reported[v]] - sigma;
        double weight = sigma * (1 - sigma);
        statistics[a] += residual * beta;
        statistics[annotators + a] += weight * beta * beta;
        gradientB += residual * x;
        informationB += weight * x * x;
      }
      image[at] =
          b
              + step
                  * Math.max(
                      -MAX_LOG_BETA_STEP, Math.min(MAX_LOG_BETA_STEP, gradientB / informationB));
    }

    @Override
    public Object[] imageValues(double[] image, int at) {
      return new Object[] {Math.exp(-image[at])};
    }
  }
}
