package dev.softlabels.relabel;

import static dev.softlabels.labels.LabelColumns.AGREEMENT;
import static dev.softlabels.labels.LabelColumns.HARD_LABEL_NAME;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.N_ANNOTATIONS;
import static dev.softlabels.relabel.LabelStore.FLIP_PROBABILITY;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.config.Json;
import dev.softlabels.spark.internal.RowView;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The store's images ranked by the probability that one more vote flips their majority label, then
 * by fewest annotations, then by id — kept night to night without rescanning the store. Each night
 * keeps the first {@code depth} images of the ranking ({@value #DEPTH_PER_LISTED} times the
 * needs-annotations list); the next night starts from them: only the images it touches change rank,
 * so every image not on the kept list still ranks after the list's last entry, and the new list is
 * exact down to that entry. When the touched images leave fewer exact entries than the
 * needs-annotations list needs, the ranking is rebuilt from the store (one scan), as on the first
 * night or when the previous list is missing. The kept list is bounded by the setting, not by the
 * data, so it is merged on the driver.
 */
final class NeedsRanking {

  /**
   * How much deeper than the needs-annotations list the kept ranking is: nights between rebuilds.
   */
  static final int DEPTH_PER_LISTED = 10;

  static final StructType SCHEMA =
      new StructType()
          .add(IMAGE, DataTypes.StringType, false)
          .add(N_ANNOTATIONS, DataTypes.IntegerType, false)
          .add(HARD_LABEL_NAME, DataTypes.StringType, false)
          .add(AGREEMENT, DataTypes.DoubleType, false)
          .add(FLIP_PROBABILITY, DataTypes.DoubleType, false);
  private static final Column[] COLUMNS = {
    col(IMAGE), col(N_ANNOTATIONS), col(HARD_LABEL_NAME), col(AGREEMENT), col(FLIP_PROBABILITY)
  };
  private static final Column[] ORDER = {
    col(FLIP_PROBABILITY).desc(), col(N_ANNOTATIONS).asc(), col(IMAGE).asc()
  };

  /** Highest flip probability first, then fewest annotations, then image id: a total order. */
  static final Comparator<Row> RANK =
      (Comparator<Row> & Serializable)
          (a, b) -> {
            int flip = Double.compare(b.getDouble(4), a.getDouble(4));
            if (flip != 0) {
              return flip;
            }
            int annotations = Integer.compare(a.getInt(1), b.getInt(1));
            return annotations != 0 ? annotations : a.getString(0).compareTo(b.getString(0));
          };

  private static final int[] TOUCHED_FIELDS =
      Arrays.stream(SCHEMA.fieldNames()).mapToInt(TouchedImages.SCHEMA::fieldIndex).toArray();

  /**
   * A kept ranking's description, in the night's summary.json.
   *
   * @param complete whether it holds every image of the store (no image ranks after its last one)
   * @param rebuilt whether this night rebuilt it from the store
   */
  record Kept(
      @JsonProperty("depth") int depth,
      @JsonProperty("complete") boolean complete,
      @JsonProperty("rebuilt") boolean rebuilt) {}

  /**
   * What a night brings to the ranking.
   *
   * @param kept the images it touched that the previous kept ranking lists
   * @param best its touched images' entries ({@link #SCHEMA}), best first, at least as many as the
   *     kept depth
   */
  record Touched(Set<String> kept, List<Row> best) {}

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
   * A touched image's ranking entry ({@link #SCHEMA}) from its new row ({@link
   * TouchedImages#SCHEMA}).
   */
  static Row entry(RowView touched) {
    return RowFactory.create(
        touched.getString(TOUCHED_FIELDS[0]),
        touched.getInt(TOUCHED_FIELDS[1]),
        touched.getString(TOUCHED_FIELDS[2]),
        touched.getDouble(TOUCHED_FIELDS[3]),
        touched.getDouble(TOUCHED_FIELDS[4]));
  }

  /**
   * A kept ranking as saved for the next night (JSON on the driver: bounded by its depth, and read
   * and written with no Spark job).
   *
   * @param entries its entries in rank order, each {@link #SCHEMA}'s values
   */
  record Saved(
      @JsonProperty("kept") Kept kept, @JsonProperty("entries") List<List<Object>> entries) {

    static Saved read(String json) {
      return Json.read(json, Saved.class);
    }

    /** The entries as rows of {@link #SCHEMA}, in rank order. */
    List<Row> rows() {
      return entries.stream()
          .map(
              entry ->
                  RowFactory.create(
                      entry.get(0),
                      ((Number) entry.get(1)).intValue(),
                      entry.get(2),
                      ((Number) entry.get(3)).doubleValue(),
                      ((Number) entry.get(4)).doubleValue()))
          .toList();
    }
  }

  /** This ranking as the next night reads it ({@link Saved}). */
  String saved() {
    return Json.write(
        new Saved(
            kept,
            rows.stream()
                .map(row -> List.of(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
                .toList()));
  }

  /**
   * The ranking after a night.
   *
   * @param previous the previous night's kept ranking in rank order, or null when there is none to
   *     start from
   * @param previousKept its description (null with it)
   * @param touched what the night brings
   * @param everyImage every image's entry after the night ({@link #SCHEMA}), read only to rebuild
   */
  static NeedsRanking after(
      List<Row> previous,
      Kept previousKept,
      Touched touched,
      Supplier<Dataset<Row>> everyImage,
      int listed) {
    int depth = listed * DEPTH_PER_LISTED;
    if (previous != null) {
      List<Row> candidates =
          new ArrayList<>(
              previous.stream().filter(row -> !touched.kept().contains(row.getString(0))).toList());
      candidates.addAll(touched.best().subList(0, Math.min(depth, touched.best().size())));
      candidates.sort(RANK);
      if (previousKept.complete()) {
        return ranked(candidates, depth, true, false);
      }
      Row last = previous.get(previous.size() - 1);
      List<Row> exact = candidates.stream().filter(row -> RANK.compare(row, last) <= 0).toList();
      if (exact.size() >= listed) {
        return ranked(exact, depth, false, false);
      }
    }
    return ranked(
        everyImage.get().orderBy(ORDER).limit(depth + 1).collectAsList(), depth, true, true);
  }

  /**
   * Every image's entry after a night: the store's latest rows of the images it did not touch, and
   * the touched.
   */
  static Dataset<Row> everyImage(Dataset<Row> storeBefore, Dataset<Row> touched) {
    return storeBefore
        .select(COLUMNS)
        .join(broadcast(touched.select(col(IMAGE))), IMAGE, "left_anti")
        .unionByName(touched.select(COLUMNS));
  }

  /**
   * The first {@code depth} of {@code ranked}; complete when they were all the images and are all
   * kept.
   */
  private static NeedsRanking ranked(
      List<Row> ranked, int depth, boolean allImages, boolean rebuilt) {
    boolean complete = allImages && ranked.size() <= depth;
    return new NeedsRanking(
        List.copyOf(ranked.subList(0, Math.min(depth, ranked.size()))),
        new Kept(depth, complete, rebuilt));
  }
}
