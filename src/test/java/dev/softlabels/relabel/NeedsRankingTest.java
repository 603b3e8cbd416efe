package dev.softlabels.relabel;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.SparkExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ranking carried from night to night is the ranking of the whole store, computed from scratch:
 * carried from an incomplete list, from a complete one, and rebuilt when a night leaves too few
 * exact entries.
 */
@ExtendWith(SparkExtension.class)
class NeedsRankingTest {

  private static final StructType RANKS =
      new StructType()
          .add(LabelColumns.IMAGE, DataTypes.StringType)
          .add(LabelColumns.N_ANNOTATIONS, DataTypes.IntegerType)
          .add(LabelColumns.HARD_LABEL_NAME, DataTypes.StringType)
          .add(LabelColumns.AGREEMENT, DataTypes.DoubleType)
          .add(LabelStore.FLIP_PROBABILITY, DataTypes.DoubleType);

  /**
   * 30 images: flip probabilities 0.30, 0.29, ... with a tie on every pair, broken by annotations
   * then id.
   */
  private static Map<String, Row> store() {
    Map<String, Row> store = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      rank(store, String.format("img-%02d", i), 3 + i % 2, (30 - i / 2) / 100.0);
    }
    return store;
  }

  private static void rank(Map<String, Row> ranks, String image, int annotations, double flip) {
    ranks.put(image, RowFactory.create(image, annotations, "cat", 0.5, flip));
  }

  private static Dataset<Row> frame(SparkSession spark, Iterable<Row> rows) {
    List<Row> list = new ArrayList<>();
    rows.forEach(list::add);
    return spark.createDataFrame(list, RANKS);
  }

  /** The ranking of all images from scratch, image ids in order. */
  private static List<String> fromScratch(SparkSession spark, Map<String, Row> all) {
    return ids(
        frame(spark, all.values())
            .orderBy(
                col(LabelStore.FLIP_PROBABILITY).desc(),
                col(LabelColumns.N_ANNOTATIONS).asc(),
                col(LabelColumns.IMAGE).asc()));
  }

  private static List<String> ids(Dataset<Row> ranking) {
    return ranking.collectAsList().stream().map(row -> row.getString(0)).toList();
  }

  /** The ranking after a night that must not rebuild it from the store. */
  private static NeedsRanking carried(
      List<Row> previous, NeedsRanking.Kept kept, Map<String, Row> touched, int listed) {
    return NeedsRanking.after(
        previous,
        kept,
        touched(previous, touched),
        () -> {
          throw new AssertionError("no rebuild expected");
        },
        listed);
  }

  /** What a night brings: its images on the kept list, and all its entries, best first. */
  private static NeedsRanking.Touched touched(List<Row> previous, Map<String, Row> touched) {
    List<Row> best = new ArrayList<>(touched.values());
    best.sort(NeedsRanking.RANK);
    return new NeedsRanking.Touched(
        previous.stream()
            .map(row -> row.getString(0))
            .filter(touched::containsKey)
            .collect(Collectors.toSet()),
        best);
  }

  /** The first {@code n} images of a ranking, as a kept list. */
  private static List<Row> firstOf(Map<String, Row> ranks, List<String> ranking, int n) {
    return ranking.subList(0, n).stream().map(ranks::get).toList();
  }

  private static List<String> ranked(NeedsRanking ranking) {
    return ranking.rows().stream().map(row -> row.getString(0)).toList();
  }

  @Test
  void aNightsListFromAnIncompleteOneIsTheStoresRankingDownToTheOldCutoff(SparkSession spark) {
    Map<String, Row> before = store();
    List<String> old = fromScratch(spark, before);
    List<Row> previous = firstOf(before, old, 10);
    Map<String, Row> touched = new TreeMap<>();
    rank(touched, "img-01", 9, 0.01); // on the list, falls below its cutoff
    rank(touched, "img-25", 4, 0.50); // off the list, rises to the top
    rank(touched, "new-01", 1, 0.27); // a new image, inside the list's range
    Map<String, Row> after = new TreeMap<>(before);
    after.putAll(touched);

    NeedsRanking ranking = carried(previous, new NeedsRanking.Kept(10, false, false), touched, 3);

    List<String> expected = fromScratch(spark, after);
    // Exact down to the old cutoff (img-09): 9 untouched entries left, plus img-25 and new-01.
    assertThat(ranked(ranking)).isEqualTo(expected.subList(0, 11));
    assertThat(ranked(ranking)).startsWith("img-25").doesNotContain("img-01");
    assertThat(ranking.kept()).isEqualTo(new NeedsRanking.Kept(30, false, false));
    assertThat(ranking.top(3))
        .extracting(row -> row.getString(0))
        .isEqualTo(expected.subList(0, 3));
  }

  @Test
  void aCompleteListStaysCompleteUntilItOutgrowsItsDepth(SparkSession spark) {
    Map<String, Row> before = store();
    List<Row> previous = firstOf(before, fromScratch(spark, before), before.size());
    Map<String, Row> touched = new TreeMap<>();
    rank(touched, "img-05", 7, 0.02);
    rank(touched, "new-01", 1, 0.40);
    Map<String, Row> after = new TreeMap<>(before);
    after.putAll(touched);

    NeedsRanking deep = carried(previous, new NeedsRanking.Kept(40, true, false), touched, 4);
    assertThat(ranked(deep)).isEqualTo(fromScratch(spark, after));
    assertThat(deep.kept()).isEqualTo(new NeedsRanking.Kept(40, true, false));
    NeedsRanking.Saved saved = NeedsRanking.Saved.read(deep.saved());
    assertThat(saved.kept()).isEqualTo(deep.kept());
    assertThat(saved.rows()).as("what the next night reads back").isEqualTo(deep.rows());

    NeedsRanking shallow = carried(previous, new NeedsRanking.Kept(40, true, false), touched, 2);
    assertThat(ranked(shallow)).isEqualTo(fromScratch(spark, after).subList(0, 20));
    assertThat(shallow.kept()).isEqualTo(new NeedsRanking.Kept(20, false, false));
  }

  @Test
  void aNightThatLeavesTooFewExactEntriesRebuildsFromTheStore(SparkSession spark) {
    Map<String, Row> before = store();
    List<String> old = fromScratch(spark, before);
    List<Row> previous = firstOf(before, old, 5);
    Map<String, Row> touched = new TreeMap<>();
    IntStream.range(0, 4).forEach(i -> rank(touched, old.get(i), 12, 0.001 * i));
    Map<String, Row> after = new TreeMap<>(before);
    after.putAll(touched);

    NeedsRanking ranking =
        NeedsRanking.after(
            previous,
            new NeedsRanking.Kept(5, false, false),
            touched(previous, touched),
            () ->
                NeedsRanking.everyImage(
                    frame(spark, before.values()), frame(spark, touched.values())),
            3);

    assertThat(ranked(ranking)).isEqualTo(fromScratch(spark, after));
    assertThat(ranking.kept()).isEqualTo(new NeedsRanking.Kept(30, true, true));
  }
}
