package dev.softlabels.votes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.labels.ImageVotes;
import dev.softlabels.spark.internal.RowView;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The walk of {@link VotePass} on hand-made sorted rows, without Spark. */
class VotePassTest {

  /**
   * image_id, annotator_id, label, raw_record, reason, class_index, row_order: the walk's input.
   */
  private static final StructType INPUT =
      new StructType()
          .add("image_id", DataTypes.StringType)
          .add("annotator_id", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("raw_record", DataTypes.StringType)
          .add("reason", DataTypes.StringType)
          .add("class_index", DataTypes.IntegerType)
          .add("row_order", DataTypes.LongType);

  /**
   * The input onto earlier rows: their counts, annotators, first_seen and order after the night's
   * columns.
   */
  private static final StructType ONTO_INPUT =
      INPUT
          .add(VotePass.EARLIER_COUNTS, DataTypes.createArrayType(DataTypes.IntegerType))
          .add(VotePass.EARLIER_ANNOTATORS, DataTypes.createArrayType(DataTypes.StringType))
          .add(VotePass.EARLIER_FIRST_SEEN, DataTypes.StringType)
          .add(VotePass.EARLIER_ORDER, DataTypes.StringType);

  private static RowView row(
      String image,
      String annotator,
      String label,
      String reason,
      Integer classIndex,
      long rowOrder) {
    return RowView.of(image, annotator, label, null, reason, classIndex, rowOrder);
  }

  /** A night's row in the walk onto earlier rows: the earlier columns null. */
  private static RowView nightRow(String image, String annotator, int classIndex, long rowOrder) {
    return RowView.of(
        image,
        annotator,
        "c" + classIndex,
        null,
        null,
        classIndex,
        rowOrder,
        null,
        null,
        null,
        null);
  }

  /**
   * An earlier row of an image: counts, annotators, first_seen and its order; the night's columns
   * null.
   */
  private static RowView earlierRow(
      String image, int[] counts, String firstSeen, String order, String... annotators) {
    return RowView.of(
        image, null, null, null, null, null, null, counts, annotators, firstSeen, order);
  }

  private static List<VotePass.Passed> walk(boolean keepVotes, RowView... sorted) {
    return walk(new VotePass.Walk.Keeps(keepVotes, false), sorted);
  }

  private static List<VotePass.Passed> walk(VotePass.Walk.Keeps keeps, RowView... sorted) {
    List<VotePass.Passed> out = new ArrayList<>();
    Iterator<VotePass.Passed> passed =
        new VotePass.Walk(INPUT, 3, keeps).call(List.of(sorted).iterator());
    passed.forEachRemaining(out::add);
    return out;
  }

  private static List<String> rejected(List<VotePass.Passed> out) {
    return out.stream()
        .filter(p -> p instanceof VotePass.Rejected)
        .map(p -> ((VotePass.Rejected) p).row().toString())
        .toList();
  }

  private static List<VotePass.Voted> voted(List<VotePass.Passed> out) {
    return out.stream()
        .filter(p -> p instanceof VotePass.Voted)
        .map(p -> (VotePass.Voted) p)
        .toList();
  }

  /**
   * With annotator tallies, each counted vote goes into its annotator's confusion against the
   * image's majority (ties to the lowest class), after the partition's images, and no vote is kept:
   * a (dog, dog, fox) is dog; b (cat, fox) ties to cat; u1's duplicate on a is not counted.
   */
  @Test
  void talliesEachAnnotatorsVotesAgainstTheMajorityWithoutKeepingThem() {
    List<VotePass.Passed> out =
        walk(
            new VotePass.Walk.Keeps(false, true),
            row("a", "u1", "dog", null, 1, 1),
            row("a", "u1", "cat", null, 0, 2),
            row("a", "u2", "dog", null, 1, 3),
            row("a", "u3", "fox", null, 2, 4),
            row("b", "u1", "cat", null, 0, 5),
            row("b", "u3", "fox", null, 2, 6));

    assertThat(voted(out)).extracting(v -> v.votes().annotators()).containsOnlyNulls();
    assertThat(out.subList(out.size() - 3, out.size()))
        .as("after every image and rejected row")
        .allMatch(p -> p instanceof VotePass.AnnotatorVotes);
    java.util.Map<String, long[]> confusions = new java.util.TreeMap<>();
    out.stream()
        .filter(p -> p instanceof VotePass.AnnotatorVotes)
        .map(p -> (VotePass.AnnotatorVotes) p)
        .forEach(a -> confusions.put(a.annotator(), a.confusion()));
    // confusion[majority * 3 + given]: dog is 1, cat 0, fox 2.
    assertThat(confusions.get("u1")).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 0);
    assertThat(confusions.get("u2")).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
    assertThat(confusions.get("u3")).containsExactly(0, 0, 1, 0, 0, 1, 0, 0, 0);
    assertThat(rejected(out)).containsExactly("[a,u1,cat,null,duplicate_vote,2]");
  }

  @Test
  void countsTheFirstUsableVoteOfEachAnnotatorAndQuarantinesTheRest() {
    List<VotePass.Passed> out =
        walk(
            true,
            row(null, "u9", "cat", "missing_image_id", null, 40),
            row("a", "u1", "dog", null, 1, 3),
            row("a", "u1", "cat", null, 0, 7),
            row("a", "u2", "wolf", "unknown_class", null, 1),
            row("a", "u2", "2", null, 2, 5),
            row("a", "u2", "fox", null, 2, 9),
            row("a", "u2", "cat", null, 0, 11),
            row("b", "u1", "cat", null, 0, 2));

    assertThat(rejected(out))
        .containsExactly(
            "[null,u9,cat,null,missing_image_id,40]",
            "[a,u1,cat,null,duplicate_vote,7]",
            "[a,u2,wolf,null,unknown_class,1]",
            "[a,u2,fox,null,duplicate_vote,9]",
            "[a,u2,cat,null,duplicate_vote,11]");
    List<ImageVotes> images = voted(out).stream().map(VotePass.Voted::votes).toList();
    assertThat(images).extracting(ImageVotes::image).containsExactly("a", "b");
    assertThat(images.get(0).counts())
        .as("u1's dog and u2's 2; the unknown class does not shadow u2's vote")
        .containsExactly(0, 1, 1);
    assertThat(images.get(0).annotators()).containsExactly("u1", "u2");
    assertThat(images.get(0).classes()).containsExactly(1, 2);
    assertThat(images.get(1).counts()).containsExactly(1, 0, 0);
  }

  @Test
  void ontoEarlierRowsTheLatestCountsAndItsAnnotatorsVotesAreDuplicates() {
    // Sorted as the pass sorts: an image's earlier rows first, latest first, then its night rows.
    Iterator<VotePass.Passed> passed =
        new VotePass.Walk(ONTO_INPUT, 3, new VotePass.Walk.Keeps(true, false))
            .call(
                List.of(
                        earlierRow(
                            "a", new int[] {2, 1, 0}, "2026-01-01", "2026-01-03", "u1", "u2", "u3"),
                        earlierRow(
                            "a", new int[] {1, 1, 0}, "2026-01-01", "2026-01-02", "u1", "u2"),
                        nightRow("a", "u2", 1, 4),
                        nightRow("a", "u4", 2, 2),
                        nightRow("a", "u4", 0, 3),
                        earlierRow("b", new int[] {0, 0, 1}, "2026-01-02", "2026-01-02", "u1"),
                        nightRow("c", "u1", 0, 1))
                    .iterator());
    List<VotePass.Passed> out = new ArrayList<>();
    passed.forEachRemaining(out::add);

    assertThat(rejected(out))
        .containsExactly("[a,u2,c1,null,duplicate_vote,4]", "[a,u4,c0,null,duplicate_vote,3]");
    List<VotePass.Voted> voted = voted(out);
    assertThat(voted)
        .as("b has no vote tonight")
        .extracting(p -> p.votes().image())
        .containsExactly("a", "c");
    assertThat(voted.get(0).votes().counts()).containsExactly(0, 0, 1);
    assertThat(voted.get(0).votes().annotators()).containsExactly("u4");
    assertThat(voted.get(0).earlier().counts())
        .as("the latest earlier row")
        .containsExactly(2, 1, 0);
    assertThat(voted.get(0).earlier().annotators()).containsExactly("u1", "u2", "u3");
    assertThat(voted.get(0).earlier().firstSeen()).isEqualTo("2026-01-01");
    assertThat(voted.get(1).earlier()).as("a new image").isNull();
    assertThat(voted.get(1).votes().counts()).containsExactly(1, 0, 0);
  }

  @Test
  void withoutVotesKeepsOnlyTheCountsAndAnEmptyPartitionGivesNothing() {
    List<VotePass.Passed> out =
        walk(false, row("a", "u1", "dog", null, 1, 0), row("a", "u2", "dog", null, 1, 1));
    assertThat(out).hasSize(1);
    assertThat(voted(out).get(0).votes().counts()).containsExactly(0, 2, 0);
    assertThat(voted(out).get(0).votes().annotators()).isNull();
    assertThat(walk(true)).isEmpty();
  }

  @Test
  void aSmallInputIsShuffledIntoAPartitionPerMebibyteAndALargeOneIntoTheMeasuredCount() {
    assertThat(VotePass.partitions(0, 200)).as("no input").isEqualTo(1);
    assertThat(VotePass.partitions(3_620, 200)).as("examples/annotations.csv").isEqualTo(1);
    assertThat(VotePass.partitions((5L << 20) + 1, 200)).isEqualTo(6);
    assertThat(VotePass.partitions(38L << 20, 16)).as("1 M rows, local[2]").isEqualTo(16);
    assertThat(VotePass.partitions(1L << 40, 200)).isEqualTo(200);
  }
}
