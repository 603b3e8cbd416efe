package dev.softlabels.truth;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * Typed, validated {@code softlabels.aggregate.em}: the EM loop's settings, shared by every EM
 * method, and each method's class prior.
 *
 * @param maxIterations EM iterations at most
 * @param tolerance stop once the log-likelihood changes by less than this per annotation between
 *     iterations
 * @param smoothing pseudo-count added to every count an annotator's parameters are estimated from
 *     (confusion cells, accuracies, competences, spam distributions)
 * @param classPriors each EM method's class prior (every method with a class prior has one)
 * @param failOnDegenerate whether a fit the aggregate job's fit check flags fails the run instead
 *     of warning
 */
public record EmSettings(
    int maxIterations,
    double tolerance,
    double smoothing,
    Map<AggregationMethod, ClassPrior> classPriors,
    boolean failOnDegenerate)
    implements Serializable {

  public static final String KEY = "softlabels.aggregate.em.";
  public static final String CLASS_PRIOR = KEY + "class-prior.";
  public static final String FAIL_ON_DEGENERATE = KEY + "fail-on-degenerate";

  public EmSettings {
    if (maxIterations < 1) {
      throw new UserError(KEY + "max-iterations must be at least 1, got " + maxIterations);
    }
    if (!(tolerance >= 0)) {
      throw new UserError(KEY + "tolerance must be >= 0, got " + tolerance);
    }
    // Zero would let a never-seen (true class, reported class) pair rule an image out entirely (log
    // 0).
    if (!(smoothing > 0)) {
      throw new UserError(
          KEY
              + "smoothing must be > 0 (a small value such as 1e-6 for almost none), got "
              + smoothing);
    }
    classPriors = Map.copyOf(classPriors);
  }

  /**
   * The defaults' class priors (docs/methods.md#the-class-prior) with a learned prior of strength
   * {@code smoothing}.
   */
  public EmSettings(int maxIterations, double tolerance, double smoothing) {
    this(maxIterations, tolerance, smoothing, defaultPriors(smoothing), false);
  }

  /** Dawid–Skene and MACE learn the prior; one-coin and GLAD keep it uniform. */
  static Map<AggregationMethod, ClassPrior> defaultPriors(double strength) {
    Map<AggregationMethod, ClassPrior> priors = new EnumMap<>(AggregationMethod.class);
    priors.put(AggregationMethod.DAWID_SKENE, new ClassPrior.Learned(strength));
    priors.put(AggregationMethod.MACE, new ClassPrior.Learned(strength));
    priors.put(AggregationMethod.ONE_COIN, new ClassPrior.Uniform());
    priors.put(AggregationMethod.GLAD, new ClassPrior.Uniform());
    return priors;
  }

  /** The class prior {@code method} fits with. */
  public ClassPrior classPrior(AggregationMethod method) {
    ClassPrior prior = classPriors.get(method);
    if (prior == null) {
      throw new IllegalArgumentException(method.configName() + " has no class prior");
    }
    return prior;
  }

  /** These settings with {@code method}'s class prior replaced. */
  public EmSettings withClassPrior(AggregationMethod method, ClassPrior prior) {
    Map<AggregationMethod, ClassPrior> priors = new EnumMap<>(classPriors);
    priors.put(method, prior);
    return new EmSettings(maxIterations, tolerance, smoothing, priors, failOnDegenerate);
  }

  public static EmSettings from(Config aggregate) {
    Config em = aggregate.getConfig("em");
    double strength = em.getDouble("prior-strength");
    // Zero would let a class no posterior favours leave the prior for good (log 0).
    if (!(strength > 0)) {
      throw new UserError(KEY + "prior-strength must be > 0, got " + strength);
    }
    // reference.conf names exactly the methods with a class prior, and the loader refuses any other
    // key.
    Config priors = em.getConfig("class-prior");
    Map<AggregationMethod, ClassPrior> classPriors = new EnumMap<>(AggregationMethod.class);
    for (AggregationMethod method : defaultPriors(strength).keySet()) {
      String name = method.configName();
      classPriors.put(
          method, ClassPrior.parse(priors.getValue(name), CLASS_PRIOR + name, strength));
    }
    return new EmSettings(
        em.getInt("max-iterations"),
        em.getDouble("tolerance"),
        em.getDouble("smoothing"),
        classPriors,
        em.getBoolean("fail-on-degenerate"));
  }
}
