package dev.softlabels.synthetic;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.AbstractRandomGenerator;

/**
 * The simulated crowd, drawn from the seed: who is reliable, a spammer or a swapper, and each one's
 * confusion matrix (a reliable one's with its flip rate and, for one-sided errors, its miss rate);
 * and, per image, how hard it is, which annotators vote and what they report. Everything about an
 * image comes from (seed, image id) alone.
 */
final class AnnotatorPool implements Serializable {

  private static final long TYPES = 2;
  private static final long PARAMETERS = 3;
  private static final long VOTES = 4;
  private static final long DIFFICULTY = 5;
  private static final long MISSES = 6;

  private final AnnotateSettings settings;
  private final List<Annotator> annotators;

  public AnnotatorPool(AnnotateSettings settings) {
    this.settings = settings;
    this.annotators = draw(settings);
  }

  public List<Annotator> annotators() {
    return annotators;
  }

  private static List<Annotator> draw(AnnotateSettings settings) {
    int k = settings.classes().size();
    int spammers = (int) Math.round(settings.pool() * settings.spammerShare());
    int swappers =
        Math.min(
            settings.pool() - spammers,
            (int) Math.round(settings.pool() * settings.swapperShare()));
    int[] order = permutation(settings.pool(), Seeds.stream(settings.seed(), TYPES, 0));
    String[] types = new String[settings.pool()];
    for (int i = 0; i < settings.pool(); i++) {
      types[order[i]] =
          i < spammers
              ? Annotator.SPAMMER
              : i < spammers + swappers ? Annotator.SWAPPER : Annotator.RELIABLE;
    }
    List<Annotator> pool = new ArrayList<>();
    int digits = Math.max(4, Integer.toString(settings.pool() - 1).length());
    for (int a = 0; a < settings.pool(); a++) {
      SplittableRandom random = Seeds.stream(settings.seed(), PARAMETERS, a);
      double[][] confusion = new double[k][k];
      double flip = 0;
      switch (types[a]) {
        case Annotator.SPAMMER -> {
          for (double[] row : confusion) {
            java.util.Arrays.fill(row, 1.0 / k);
          }
        }
        case Annotator.SWAPPER -> {
          int first = random.nextInt(k);
          int second = (first + 1 + random.nextInt(k - 1)) % k;
          for (int c = 0; c < k; c++) {
            confusion[c][c] = 1;
          }
          confusion[first][first] = 1 - settings.swapRate();
          confusion[first][second] = settings.swapRate();
          confusion[second][second] = 1 - settings.swapRate();
          confusion[second][first] = settings.swapRate();
        }
        default -> {
          flip =
              settings.minFlipRate()
                  + random.nextDouble() * (settings.maxFlipRate() - settings.minFlipRate());
          for (int c = 0; c < k; c++) {
            for (int j = 0; j < k; j++) {
              confusion[c][j] = c == j ? 1 - flip : flip / (k - 1);
            }
          }
          // Drawn only with a range, so that pools without misses draw exactly what they drew
          // before.
          if (settings.maxMissRate() > 0) {
            double miss =
                settings.minMissRate()
                    + Seeds.stream(settings.seed(), MISSES, a).nextDouble()
                        * (settings.maxMissRate() - settings.minMissRate());
            for (int c = 1; c < k; c++) {
              for (int j = 0; j < k; j++) {
                confusion[c][j] = (1 - miss) * confusion[c][j] + (j == 0 ? miss : 0);
              }
            }
          }
        }
      }
      String id = String.format(Locale.ROOT, "annotator-%0" + digits + "d", a);
      pool.add(new Annotator(id, types[a], flip, confusion));
    }
    return pool;
  }

  /** A vote: who, and the class index reported. */
  public record Vote(String annotatorId, int label) {}

  /**
   * The image's difficulty d: on it every annotator answers uniformly at random with probability d.
   * Drawn from a stream of its own, and not at all without a range, so that the votes' own draws
   * are the same with or without difficulty.
   */
  public double difficulty(String imageId) {
    double min = settings.minImageDifficulty();
    double max = settings.maxImageDifficulty();
    return min == max
        ? min
        : min
            + Seeds.stream(settings.seed(), DIFFICULTY, Seeds.key(imageId)).nextDouble()
                * (max - min);
  }

  /** The votes on one image with the given exact label distribution. */
  public List<Vote> votes(String imageId, double[] softLabel) {
    double difficulty = difficulty(imageId);
    SplittableRandom random = Seeds.stream(settings.seed(), VOTES, Seeds.key(imageId));
    int n =
        settings.fixedVotes()
            ? (int) settings.votesPerImage()
            : Math.max(
                1,
                new PoissonDistribution(
                        adapt(random),
                        settings.votesPerImage(),
                        PoissonDistribution.DEFAULT_EPSILON,
                        PoissonDistribution.DEFAULT_MAX_ITERATIONS)
                    .sample());
    n = Math.min(n, annotators.size());
    int[] chosen = permutation(annotators.size(), random);
    List<Vote> votes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Annotator annotator = annotators.get(chosen[i]);
      int seen = categorical(softLabel, random.nextDouble());
      double[] reports =
          difficulty == 0
              ? annotator.confusion()[seen]
              : blend(annotator.confusion()[seen], difficulty);
      votes.add(new Vote(annotator.id(), categorical(reports, random.nextDouble())));
    }
    return votes;
  }

  /**
   * (1 − d)·row + d·uniform: the answer distribution of an annotator on an image of difficulty d.
   */
  private static double[] blend(double[] row, double difficulty) {
    double[] blended = new double[row.length];
    for (int j = 0; j < row.length; j++) {
      blended[j] = (1 - difficulty) * row[j] + difficulty / row.length;
    }
    return blended;
  }

  /** The index whose cumulative probability first exceeds u (the last index absorbs rounding). */
  static int categorical(double[] p, double u) {
    double cumulative = 0;
    for (int i = 0; i < p.length; i++) {
      cumulative += p[i];
      if (u < cumulative) {
        return i;
      }
    }
    for (int i = p.length - 1; i > 0; i--) {
      if (p[i] > 0) {
        return i;
      }
    }
    return 0;
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  private static AbstractRandomGenerator adapt(SplittableRandom random) {
    return new AbstractRandomGenerator() {
      @Override
      public void setSeed(long seed) {
        throw new UnsupportedOperationException("seeded through Seeds.stream");
      }

      @Override
      public double nextDouble() {
        return random.nextDouble();
      }
    };
  }
}
