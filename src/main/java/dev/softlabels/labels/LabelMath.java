package dev.softlabels.labels;

/**
 * The label rules on one image's vote counts, in plain Java: the specification that {@link
 * LabelColumns} implements with Spark built-ins, and the version executor-side code uses.
 */
public final class LabelMath {

  /**
   * A value at most this far below the largest ties with it. Posteriors that are equal in exact
   * arithmetic come out a few ulps apart (some 1e-15), by an amount that depends on the order of
   * the classes, so an exact comparison made a tie in one class order and none in another; no vote
   * count or model tells classes apart by 1e-9. Absolute: the values compared are probabilities or
   * counts.
   */
  public static final double TIE_TOLERANCE = 1e-9;

  private LabelMath() {}

  /**
   * Index of the largest value; values within {@link #TIE_TOLERANCE} of it tie, and ties go to the
   * lowest index.
   */
  public static int argmax(double[] values) {
    double max = max(values);
    for (int i = 0; i < values.length; i++) {
      if (tiesWithMax(values[i], max)) {
        return i;
      }
    }
    // Only NaN ties with nothing.
    return 0;
  }

  public static int argmax(int[] counts) {
    return argmax(asDoubles(counts));
  }

  /** Whether two or more values are within {@link #TIE_TOLERANCE} of the largest. */
  public static boolean isTie(double[] values) {
    double max = max(values);
    int atMax = 0;
    for (double value : values) {
      if (tiesWithMax(value, max)) {
        atMax++;
      }
    }
    return atMax > 1;
  }

  public static boolean isTie(int[] counts) {
    return isTie(asDoubles(counts));
  }

  public static double max(double[] values) {
    double max = values[0];
    for (double value : values) {
      max = Math.max(max, value);
    }
    return max;
  }

  private static boolean tiesWithMax(double value, double max) {
    return max - value <= TIE_TOLERANCE;
  }

  /** A loop, not a stream: label rows call it once per image. */
  private static double[] asDoubles(int[] counts) {
    double[] values = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      values[i] = counts[i];
    }
    return values;
  }

  public static double[] soft(int[] counts) {
    double n = 0;
    for (int c : counts) {
      n += c;
    }
    double[] p = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      p[i] = counts[i] / n;
    }
    return p;
  }

  /** Share of the votes held by the majority class. */
  public static double agreement(int[] counts) {
    double[] p = soft(counts);
    return p[argmax(p)];
  }

  /** Shannon entropy of the distribution divided by log(k): 0 for unanimous, 1 for uniform. */
  public static double normalizedEntropy(double[] p) {
    double h = 0;
    for (double x : p) {
      if (x > 0) {
        h -= x * Math.log(x);
      }
    }
    return h / Math.log(p.length);
  }

  /**
   * KL(p || q) with both distributions clipped to [eps, 1 - eps] and not renormalised: the formula
   * of the paper authors' benchmark code (eps = 1e-5), finite even where q has zeros.
   */
  public static double klDivergence(double[] p, double[] q, double eps) {
    double kl = 0;
    for (int i = 0; i < p.length; i++) {
      double pi = Math.min(Math.max(p[i], eps), 1 - eps);
      double qi = Math.min(Math.max(q[i], eps), 1 - eps);
      kl += pi * Math.log(pi / qi);
    }
    return kl;
  }

  /**
   * The probability that one more vote changes the majority (hard) label: each class k is the next
   * vote's class with the posterior-predictive probability of a uniform Dirichlet prior, (counts[k]
   * + 1) / (n + K), and the label changes when the argmax after adding that vote (ties to the
   * lowest index, as always) differs from today's. 1 - 1/K for an image without votes, 0 for a
   * clear majority; what ranks the images that most need another annotation.
   */
  public static double flipProbability(int[] counts) {
    int classes = counts.length;
    int n = java.util.Arrays.stream(counts).sum();
    int hard = argmax(counts);
    double flip = 0;
    for (int k = 0; k < classes; k++) {
      int[] bumped = counts.clone();
      bumped[k]++;
      if (argmax(bumped) != hard) {
        flip += (counts[k] + 1.0) / (n + classes);
      }
    }
    return flip;
  }
}
