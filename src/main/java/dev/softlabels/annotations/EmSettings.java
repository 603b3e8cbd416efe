package dev.softlabels.annotations;

import com.typesafe.config.Config;
import java.io.Serializable;
import dev.softlabels.config.UserError;

/**
 * Typed, validated {@code softlabels.aggregate.em}: the EM loop's settings, shared by every EM method.
 *
 * @param maxIterations EM iterations at most
 * @param tolerance stop once the log-likelihood changes by less than this per annotation between iterations
 * @param smoothing pseudo-count added to every count a model estimates a probability from (confusion
 *     cells, class priors, accuracies, spam distributions)
 */
public record EmSettings(int maxIterations, double tolerance, double smoothing) implements Serializable {

  private static final String KEY = "softlabels.aggregate.em.";

  public EmSettings {
    if (maxIterations < 1) {
      throw new UserError(KEY + "max-iterations must be at least 1, got " + maxIterations);
    }
    if (!(tolerance >= 0)) {
      throw new UserError(KEY + "tolerance must be >= 0, got " + tolerance);
    }
    // Zero would let a never-seen (true class, reported class) pair rule an image out entirely (log 0).
    if (!(smoothing > 0)) {
      throw new UserError(KEY + "smoothing must be > 0 (a small value such as 1e-6 for almost none), got "
          + smoothing);
    }
  }

  public static EmSettings from(Config aggregate) {
    Config em = aggregate.getConfig("em");
    return new EmSettings(em.getInt("max-iterations"), em.getDouble("tolerance"), em.getDouble("smoothing"));
  }
}
