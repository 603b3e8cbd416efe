package dev.softlabels.embed;

import dev.softlabels.config.UserError;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import smile.manifold.TSNE;
import smile.math.MathEx;

/**
 * Two-dimensional t-SNE of feature vectors (Smile's exact-gradient implementation, run on the
 * driver, so callers sample to a cap first). Seeded: the same points give the same picture.
 */
final class Tsne {

  /**
   * The fewest points t-SNE is run on; below it a neighbourhood of any perplexity is meaningless.
   */
  public static final int MIN_POINTS = 4;

  private Tsne() {}

  /**
   * Perplexity actually used for {@code points} points: the configured one, lowered to a third of
   * the neighbours a point has when the sample is too small for it (the usual rule of thumb).
   */
  public static double effectivePerplexity(double perplexity, int points) {
    return Math.min(perplexity, (points - 1) / 3.0);
  }

  public static double[][] embed(
      double[][] points, double perplexity, double learningRate, int iterations, long seed) {
    if (points.length < MIN_POINTS) {
      throw new UserError("t-SNE needs at least " + MIN_POINTS + " points, got " + points.length);
    }
    // Smile draws the initial layout from MathEx's per-thread generator.
    MathEx.setSeed(seed);
    return new TSNE(
            points, 2, effectivePerplexity(perplexity, points.length), learningRate, iterations)
        .coordinates;
  }

  /** Each point's {@code k} nearest other points (Euclidean), nearest first. */
  public static int[][] nearestNeighbours(double[][] points, int k) {
    if (points.length <= k) {
      throw new IllegalArgumentException(
          "need more than k = " + k + " points, got " + points.length);
    }
    int[][] nearest = new int[points.length][];
    for (int i = 0; i < points.length; i++) {
      int self = i;
      nearest[i] =
          IntStream.range(0, points.length)
              .filter(j -> j != self)
              .boxed()
              .sorted(
                  Comparator.comparingDouble(j -> MathEx.squaredDistance(points[self], points[j])))
              .limit(k)
              .mapToInt(Integer::intValue)
              .toArray();
    }
    return nearest;
  }

  /**
   * The share of each point's neighbours that have its label, averaged over points: 1 when every
   * neighbourhood is pure.
   */
  public static double neighbourPurity(int[][] neighbours, int[] labels) {
    return IntStream.range(0, labels.length)
        .mapToDouble(
            i ->
                Arrays.stream(neighbours[i]).filter(j -> labels[j] == labels[i]).count()
                    / (double) neighbours[i].length)
        .average()
        .orElse(Double.NaN);
  }

  /**
   * The total-variation distance between each point's label distribution and its neighbours',
   * averaged over neighbours and points: 0 when neighbours always share a distribution, so lower
   * means the space is laid out by label distribution (smooth interpolations), not just by class.
   */
  public static double neighbourDistributionDistance(int[][] neighbours, double[][] distributions) {
    return IntStream.range(0, distributions.length)
        .mapToDouble(
            i ->
                Arrays.stream(neighbours[i])
                    .mapToDouble(j -> totalVariation(distributions[i], distributions[j]))
                    .average()
                    .orElse(0))
        .average()
        .orElse(Double.NaN);
  }

  static double totalVariation(double[] p, double[] q) {
    double sum = 0;
    for (int k = 0; k < p.length; k++) {
      sum += Math.abs(p[k] - q[k]);
    }
    return sum / 2;
  }
}
