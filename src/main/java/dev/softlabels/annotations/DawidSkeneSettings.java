package dev.softlabels.annotations;

import com.typesafe.config.Config;
import java.io.Serializable;
import dev.softlabels.config.UserError;

/**
 * Typed, validated {@code softlabels.aggregate.dawid-skene}.
 *
 * @param maxIterations EM iterations at most
 * @param tolerance stop once the log-likelihood changes by less than this per annotation between iterations
 * @param smoothing Laplace pseudo-count added to every confusion-matrix cell and class-prior count
 */
public record DawidSkeneSettings(int maxIterations, double tolerance, double smoothing) implements Serializable {

  private static final String KEY = "softlabels.aggregate.dawid-skene.";

  public DawidSkeneSettings {
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

  public static DawidSkeneSettings from(Config aggregate) {
    Config ds = aggregate.getConfig("dawid-skene");
    return new DawidSkeneSettings(ds.getInt("max-iterations"), ds.getDouble("tolerance"), ds.getDouble("smoothing"));
  }
}
