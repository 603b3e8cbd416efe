package dev.softlabels.truth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A crowd symmetric under every permutation of the classes and of the annotators gives images whose
 * posterior is an exact tie in exact arithmetic; in floating point the tied classes differ by a few
 * ulps, and by how many depends on the order the classes are in. Whatever the order, such an image
 * is a tie and its hard label the lowest index of the tied classes.
 */
class TiedPosteriorsTest {

  private static final int CLASSES = 3;
  private static final int ANNOTATORS = 4;
  private static final ClassList CLASS_LIST = new ClassList(List.of("a", "b", "c"));
  private static final int[][] ORDERS = {
    {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}
  };

  @Test
  void exactlyTiedPosteriorsAreTiesInEveryClassOrder() {
    EmSettings settings = new EmSettings(200, 1e-5, 0.01);
    List<int[]> crowd = symmetricCrowd();
    List<String> wrong = new ArrayList<>();
    int ties = 0;
    for (int[] order : ORDERS) {
      VoteBlocks.Block block = block(crowd, order);
      for (AggregationMethod method : AggregationMethod.values()) {
        if (!method.posterior()) {
          continue;
        }
        TruthInference<?> inference = TruthInferences.of(method);
        TruthInferenceTest.Run<?> run =
            new TruthInferenceTest.Run<>(inference, block, ANNOTATORS, CLASSES, settings)
                .iterate(inference.iterates() ? 20 : 0, settings);
        for (int i = 0; i < crowd.size(); i++) {
          int[] counts = new int[CLASSES];
          for (int label : crowd.get(i)) {
            counts[order[label]]++;
          }
          int[] tied = IntStream.range(0, CLASSES).filter(c -> counts[c] == 2).toArray();
          if (tied.length < 2) {
            continue;
          }
          ties++;
          LabelRow row =
              LabelRow.of("i" + i, counts, Arrays.copyOf(run.posterior(i), CLASSES), CLASS_LIST);
          if (!row.isTie() || row.hardLabel() != tied[0]) {
            wrong.add(
                String.format(
                    "%s, order %s, image %s: is_tie %s, hard label %d, posterior %s",
                    method,
                    Arrays.toString(order),
                    Arrays.toString(crowd.get(i)),
                    row.isTie(),
                    row.hardLabel(),
                    Arrays.toString(row.soft())));
          }
        }
      }
    }
    assertThat(ties).as("the crowd has tied images").isGreaterThan(0);
    assertThat(wrong).as("of %d exact ties", ties).isEmpty();
  }

  /**
   * Every way four annotators can label an image with three classes, each repeated by its pattern
   * alone (unanimous most often, two against two least), so relabelling the classes or the
   * annotators maps the crowd onto itself. The two-against-two images are the exact ties.
   */
  private static List<int[]> symmetricCrowd() {
    List<int[]> images = new ArrayList<>();
    for (int code = 0; code < 81; code++) {
      int[] labels = {code % 3, code / 3 % 3, code / 9 % 3, code / 27};
      int[] counts = new int[CLASSES];
      for (int label : labels) {
        counts[label]++;
      }
      int largest = Arrays.stream(counts).max().orElseThrow();
      long distinct = Arrays.stream(counts).filter(c -> c > 0).count();
      int repeats = largest == 4 ? 4 : largest == 3 ? 3 : distinct == 2 ? 1 : 2;
      for (int r = 0; r < repeats; r++) {
        images.add(labels);
      }
    }
    return images;
  }

  /** The crowd's votes with class c named order[c]: annotator v gives image i's label v. */
  private static VoteBlocks.Block block(List<int[]> crowd, int[] order) {
    String[] names = new String[crowd.size()];
    int[] offsets = new int[crowd.size() + 1];
    int[] annotator = new int[crowd.size() * ANNOTATORS];
    int[] reported = new int[annotator.length];
    for (int i = 0; i < crowd.size(); i++) {
      names[i] = "i" + i;
      offsets[i + 1] = (i + 1) * ANNOTATORS;
      for (int v = 0; v < ANNOTATORS; v++) {
        annotator[i * ANNOTATORS + v] = v;
        reported[i * ANNOTATORS + v] = order[crowd.get(i)[v]];
      }
    }
    return new VoteBlocks.Block(names, offsets, null, annotator, reported);
  }
}
