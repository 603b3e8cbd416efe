package dev.softlabels.quality;

import dev.softlabels.labels.ClassList;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Every annotator against the consensus: its votes summed into a confusion matrix where the job
 * already walks them, merged by annotator, each becoming an {@link AnnotatorQuality}. The whole
 * table is written (annotator-quality/); the driver gets the flag counts and the rows the page
 * lists, never the table.
 */
public final class AnnotatorTable implements AutoCloseable {

  /** annotator-quality/: one row per annotator, {@link AnnotatorQuality}'s fields. */
  public static final StructType SCHEMA =
      new StructType()
          .add("annotator_id", DataTypes.StringType, false)
          .add("votes", DataTypes.LongType, false)
          .add("agreement", DataTypes.DoubleType, false)
          .add("cramers_v", DataTypes.DoubleType, true)
          .add("method_accuracy", DataTypes.DoubleType, true)
          .add("worst_class", DataTypes.StringType, true)
          .add("worst_class_recall", DataTypes.DoubleType, true)
          .add("flags", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("reasons", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add(
              "confusion",
              DataTypes.createArrayType(
                  DataTypes.createArrayType(DataTypes.LongType, false), false),
              false);

  /** Flagged first, then most votes, then annotator id: the order the page lists them in. */
  static final Comparator<AnnotatorQuality> LISTED =
      (Comparator<AnnotatorQuality> & Serializable)
          (a, b) -> {
            int flagged = Boolean.compare(b.flags().isEmpty(), a.flags().isEmpty());
            if (flagged != 0) {
              return -flagged;
            }
            int votes = Long.compare(b.votes(), a.votes());
            return votes != 0 ? votes : a.annotator().compareTo(b.annotator());
          };

  private final SparkSession spark;
  private final JavaRDD<AnnotatorQuality> rows;

  private AnnotatorTable(SparkSession spark, JavaRDD<AnnotatorQuality> rows) {
    this.spark = spark;
    this.rows = rows;
  }

  /**
   * The table of the annotators whose votes against the consensus are {@code confusions} (lazy,
   * cached once computed).
   *
   * @param confusions each annotator's votes, {@code [consensus * k + given]}
   * @param methodAccuracy each annotator's accuracy as a method estimated it; empty for the
   *     majority vote
   */
  public static AnnotatorTable of(
      SparkSession spark,
      JavaPairRDD<String, long[]> confusions,
      ClassList classes,
      Map<String, Double> methodAccuracy) {
    int k = classes.size();
    Broadcast<Map<String, Double>> accuracy =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(new HashMap<>(methodAccuracy));
    JavaRDD<AnnotatorQuality> rows =
        confusions
            .map(
                entry ->
                    AnnotatorQuality.of(
                        entry._1(),
                        square(entry._2(), k),
                        accuracy.value().get(entry._1()),
                        classes.names()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new AnnotatorTable(spark, rows);
  }

  private static long[][] square(long[] flat, int k) {
    long[][] confusion = new long[k][];
    for (int i = 0; i < k; i++) {
      confusion[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
    }
    return confusion;
  }

  /** The whole table as a DataFrame ({@link #SCHEMA}). */
  public Dataset<Row> frame() {
    return spark.createDataFrame(rows.map(AnnotatorTable::row), SCHEMA);
  }

  private static Row row(AnnotatorQuality quality) {
    return RowFactory.create(
        quality.annotator(),
        quality.votes(),
        quality.agreement(),
        quality.cramersV(),
        quality.methodAccuracy(),
        quality.worstClass(),
        quality.worstClassRecall(),
        quality.flags().toArray(String[]::new),
        quality.reasons().toArray(String[]::new),
        Arrays.stream(quality.confusion())
            .map(counts -> Arrays.stream(counts).boxed().toArray(Long[]::new))
            .toArray(Long[][]::new));
  }

  /**
   * The annotators' part of the report, from one job: how many, the counts by flag and the first
   * {@code shown} listed.
   */
  public QualityReport.Annotators summary(int shown) {
    Listing listing = rows.aggregate(new Listing(shown), Listing::add, Listing::merge);
    Map<String, Long> flagged = new LinkedHashMap<>();
    Map<String, String> rules = new LinkedHashMap<>();
    for (AnnotatorFlag flag : AnnotatorFlag.values()) {
      flagged.put(flag.code(), listing.flagged.getOrDefault(flag.code(), 0L));
      rules.put(flag.code(), flag.rule());
    }
    return new QualityReport.Annotators(listing.count, flagged, rules, listing.shown.rows());
  }

  /** Annotators counted, by flag, and the first listed. */
  private static final class Listing implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, Long> flagged = new HashMap<>();
    private final Best<AnnotatorQuality> shown;
    private long count;

    Listing(int shown) {
      this.shown = new Best<>(shown, LISTED);
    }

    Listing add(AnnotatorQuality quality) {
      count++;
      quality.flags().forEach(flag -> flagged.merge(flag, 1L, Long::sum));
      shown.add(quality);
      return this;
    }

    Listing merge(Listing other) {
      count += other.count;
      other.flagged.forEach((flag, n) -> flagged.merge(flag, n, Long::sum));
      shown.merge(other.shown);
      return this;
    }
  }

  @Override
  public void close() {
    rows.unpersist(false);
  }
}
