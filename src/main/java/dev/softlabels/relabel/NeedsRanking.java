package dev.softlabels.relabel;

import static dev.softlabels.labels.LabelColumns.AGREEMENT;
import static dev.softlabels.labels.LabelColumns.HARD_LABEL_NAME;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.N_ANNOTATIONS;
import static dev.softlabels.relabel.LabelStore.FLIP_PROBABILITY;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The store's images ranked by the probability that one more vote flips their majority label, then by
 * fewest annotations, then by id — kept night to night without rescanning the store. Each night keeps
 * the first {@code depth} images of the ranking ({@value #DEPTH_PER_LISTED} times the needs-annotations
 * list); the next night starts from them: only the images it touches change rank, so every image not
 * on the kept list still ranks after the list's last entry, and the new list is exact down to that entry.
 * When the touched images leave fewer exact entries than the needs-annotations list needs, the ranking
 * is rebuilt from the store (one scan), as on the first night or when the previous list is missing. The
 * kept list is bounded by the setting, not by the data, so it is merged on the driver.
 */
final class NeedsRanking {

  /** How much deeper than the needs-annotations list the kept ranking is: nights between rebuilds. */
  static final int DEPTH_PER_LISTED = 10;
  static final StructType SCHEMA = new StructType()
      .add(IMAGE, DataTypes.StringType, false)
      .add(N_ANNOTATIONS, DataTypes.IntegerType, false)
      .add(HARD_LABEL_NAME, DataTypes.StringType, false)
      .add(AGREEMENT, DataTypes.DoubleType, false)
      .add(FLIP_PROBABILITY, DataTypes.DoubleType, false);
  private static final Column[] COLUMNS = {col(IMAGE), col(N_ANNOTATIONS), col(HARD_LABEL_NAME), col(AGREEMENT),
      col(FLIP_PROBABILITY)};
  private static final Column[] ORDER = {col(FLIP_PROBABILITY).desc(), col(N_ANNOTATIONS).asc(), col(IMAGE).asc()};
  /** Highest flip probability first, then fewest annotations, then image id: a total order. */
  private static final Comparator<Row> RANK = Comparator.<Row>comparingDouble(row -> -row.getDouble(4))
      .thenComparingInt(row -> row.getInt(1)).thenComparing(row -> row.getString(0));

  /**
   * A kept ranking's description, in the night's summary.json.
   *
   * @param complete whether it holds every image of the store (no image ranks after its last one)
   * @param rebuilt whether this night rebuilt it from the store
   */
  record Kept(@JsonProperty("depth") int depth, @JsonProperty("complete") boolean complete,
      @JsonProperty("rebuilt") boolean rebuilt) {}

  private final List<Row> rows;
  private final Kept kept;

  private NeedsRanking(List<Row> rows, Kept kept) {
    this.rows = rows;
    this.kept = kept;
  }

  /** The kept ranking, in rank order ({@link #SCHEMA}). */
  List<Row> rows() {
    return rows;
  }

  Kept kept() {
    return kept;
  }

  /** The first {@code listed} images. */
  List<Row> top(int listed) {
    return rows.subList(0, Math.min(listed, rows.size()));
  }

  static Dataset<Row> frame(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, SCHEMA).coalesce(1);
  }

  /**
   * The ranking after a night.
   *
   * @param previous the previous night's kept ranking, or null when there is none to start from
   * @param previousKept its description (null with it)
   * @param touched the night's new rows of the images it touched
   * @param store every image's latest row before the night, read only to rebuild
   */
  static NeedsRanking after(Dataset<Row> previous, Kept previousKept, Dataset<Row> touched,
      Supplier<Dataset<Row>> store, int listed) {
    int depth = listed * DEPTH_PER_LISTED;
    if (previous != null) {
      List<Row> kept = new ArrayList<>(ranks(previous.select(COLUMNS)));
      kept.sort(RANK);
      // The kept list is on the driver already: its ids go to the join from there, not from a second read.
      Set<String> touchedKept = ranks(touched.select(col(IMAGE))
          .join(broadcast(frame(touched.sparkSession(), kept).select(col(IMAGE))), IMAGE)).stream()
          .map(row -> row.getString(0)).collect(Collectors.toSet());
      List<Row> candidates = new ArrayList<>(kept.stream().filter(row -> !touchedKept.contains(row.getString(0)))
          .toList());
      candidates.addAll(ranks(touched.select(COLUMNS).orderBy(ORDER).limit(depth)));
      candidates.sort(RANK);
      if (previousKept.complete()) {
        return ranked(candidates, depth, true, false);
      }
      Row last = kept.get(kept.size() - 1);
      List<Row> exact = candidates.stream().filter(row -> RANK.compare(row, last) <= 0).toList();
      if (exact.size() >= listed) {
        return ranked(exact, depth, false, false);
      }
    }
    Dataset<Row> all = store.get().select(COLUMNS).join(broadcast(touched.select(col(IMAGE))), IMAGE, "left_anti")
        .unionByName(touched.select(COLUMNS));
    return ranked(ranks(all.orderBy(ORDER).limit(depth + 1)), depth, true, true);
  }

  /** The first {@code depth} of {@code ranked}; complete when they were all the images and are all kept. */
  private static NeedsRanking ranked(List<Row> ranked, int depth, boolean allImages, boolean rebuilt) {
    boolean complete = allImages && ranked.size() <= depth;
    return new NeedsRanking(List.copyOf(ranked.subList(0, Math.min(depth, ranked.size()))),
        new Kept(depth, complete, rebuilt));
  }

  /** A bounded result on the driver (the kept list, a night's best ranks, or image ids among the kept). */
  private static List<Row> ranks(Dataset<Row> bounded) {
    return bounded.collectAsList();
  }
}
