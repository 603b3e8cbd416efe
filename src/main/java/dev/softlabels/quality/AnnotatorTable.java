package dev.softlabels.quality;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.labels.LabelRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import scala.Tuple2;

/**
 * Every annotator against the consensus: each task sums its images' votes into a confusion matrix
 * per annotator, the matrices are merged by annotator, and each becomes an {@link
 * AnnotatorQuality}. The whole table is written (annotator-quality/); the driver gets the flag
 * counts and the rows the page lists, never the table.
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

  /** An image's votes with who gave them, and the consensus label they are held against. */
  public record JudgedImage(ImageVotes votes, LabelRow label) implements Serializable {}

  /**
   * The table of the annotators of {@code images} (lazy, cached once computed).
   *
   * @param methodAccuracy each annotator's accuracy as a method estimated it; empty for the
   *     majority vote
   */
  public static AnnotatorTable of(
      SparkSession spark,
      JavaRDD<JudgedImage> images,
      ClassList classes,
      Map<String, Double> methodAccuracy) {
    int k = classes.size();
    Broadcast<Map<String, Double>> accuracy =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(new HashMap<>(methodAccuracy));
    JavaRDD<AnnotatorQuality> rows =
        images
            .mapPartitionsToPair(partition -> confusions(partition, k))
            .reduceByKey(AnnotatorTable::sum)
            .map(
                entry ->
                    AnnotatorQuality.of(
                        entry._1(), entry._2(), accuracy.value().get(entry._1()), classes.names()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new AnnotatorTable(spark, rows);
  }

  private static Iterator<Tuple2<String, long[][]>> confusions(
      Iterator<JudgedImage> images, int k) {
    Map<String, long[][]> byAnnotator = new HashMap<>();
    while (images.hasNext()) {
      JudgedImage image = images.next();
      String[] annotators = image.votes().annotators();
      int[] given = image.votes().classes();
      int consensus = image.label().hardLabel();
      for (int v = 0; v < annotators.length; v++) {
        byAnnotator.computeIfAbsent(annotators[v], a -> new long[k][k])[consensus][given[v]]++;
      }
    }
    List<Tuple2<String, long[][]>> tallies = new ArrayList<>(byAnnotator.size());
    byAnnotator.forEach((annotator, confusion) -> tallies.add(new Tuple2<>(annotator, confusion)));
    return tallies.iterator();
  }

  private static long[][] sum(long[][] a, long[][] b) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) {
        a[i][j] += b[i][j];
      }
    }
    return a;
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

  /** The annotators' part of the report: counts by flag and the first {@code shown} listed. */
  public QualityReport.Annotators summary(int shown) {
    long count = rows.count();
    Map<String, Long> flagged = new LinkedHashMap<>();
    Map<String, Long> counted = rows.flatMap(quality -> quality.flags().iterator()).countByValue();
    Map<String, String> rules = new LinkedHashMap<>();
    for (AnnotatorFlag flag : AnnotatorFlag.values()) {
      flagged.put(flag.code(), counted.getOrDefault(flag.code(), 0L));
      rules.put(flag.code(), flag.rule());
    }
    return new QualityReport.Annotators(
        count, flagged, rules, shown == 0 ? List.of() : rows.takeOrdered(shown, LISTED));
  }

  @Override
  public void close() {
    rows.unpersist(false);
  }
}
