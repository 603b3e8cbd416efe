package dev.softlabels.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TsneTest {

  /** 3 clusters of 40 points in 10 dimensions, centres 20 apart, unit spread; label = cluster. */
  private static final int CLUSTERS = 3;

  private static final int PER_CLUSTER = 40;

  private static double[][] clusters(Random random) {
    double[][] points = new double[CLUSTERS * PER_CLUSTER][10];
    for (int i = 0; i < points.length; i++) {
      for (int d = 0; d < 10; d++) {
        points[i][d] = (d == i / PER_CLUSTER ? 20 : 0) + random.nextGaussian();
      }
    }
    return points;
  }

  private static int[] clusterLabels() {
    int[] labels = new int[CLUSTERS * PER_CLUSTER];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i / PER_CLUSTER;
    }
    return labels;
  }

  @Test
  void keepsSeparatedClustersSeparated() {
    double[][] map = Tsne.embed(clusters(new Random(3)), 15, 200, 500, 1);

    assertThat(map).hasNumberOfRows(CLUSTERS * PER_CLUSTER);
    assertThat(map[0]).hasSize(2);
    int[][] neighbours = Tsne.nearestNeighbours(map, 5);
    assertThat(Tsne.neighbourPurity(neighbours, clusterLabels())).isGreaterThanOrEqualTo(0.98);
    // The same measure on labels unrelated to the layout is near chance (1/3): it can fail.
    int[] unrelated = new int[map.length];
    for (int i = 0; i < unrelated.length; i++) {
      unrelated[i] = i % CLUSTERS;
    }
    assertThat(Tsne.neighbourPurity(neighbours, unrelated)).isLessThan(0.6);
  }

  @Test
  void isReproducibleForASeed() {
    double[][] points = clusters(new Random(5));
    assertThat(Tsne.embed(points, 10, 200, 100, 7))
        .isDeepEqualTo(Tsne.embed(points, 10, 200, 100, 7));
  }

  @Test
  void lowersThePerplexityForSmallSamples() {
    assertThat(Tsne.effectivePerplexity(30, 2000)).isEqualTo(30);
    assertThat(Tsne.effectivePerplexity(30, 10)).isEqualTo(3);
  }

  @Test
  void nearestNeighboursOnALine() {
    double[][] points = {{0}, {1}, {3}, {7}};
    assertThat(Tsne.nearestNeighbours(points, 1)).isDeepEqualTo(new int[][] {{1}, {0}, {1}, {2}});
    assertThat(Tsne.nearestNeighbours(points, 2))
        .isDeepEqualTo(new int[][] {{1, 2}, {0, 2}, {1, 0}, {2, 1}});
  }

  @Test
  void neighbourMeasuresByHand() {
    int[][] neighbours = {{1, 2}, {0, 2}, {1, 0}, {2, 1}};
    // Labels 0,1,0,1. Point 0 (label 0): neighbours 1, 2 -> 1/2 same; point 1: 0, 2 -> 0/2;
    // point 2: 1, 0 -> 1/2; point 3: 2, 1 -> 1/2. Mean (0.5 + 0 + 0.5 + 0.5) / 4.
    assertThat(Tsne.neighbourPurity(neighbours, new int[] {0, 1, 0, 1})).isEqualTo(0.375);

    double[][] distributions = {{1, 0}, {1, 0}, {0.5, 0.5}, {0, 1}};
    // TV: d(0,1) = 0, d(0,2) = 0.5, d(1,2) = 0.5, d(2,1) = 0.5, d(2,3) = 0.5. Per point: (0 +
    // 0.5)/2, (0 + 0.5)/2, (0.5 + 0.5)/2, (0.5 + 1)/2 -> mean of .25, .25, .5, .75 = 0.4375.
    assertThat(Tsne.neighbourDistributionDistance(neighbours, distributions))
        .isCloseTo(0.4375, within(1e-12));
  }
}
