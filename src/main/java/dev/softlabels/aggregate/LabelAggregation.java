package dev.softlabels.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import dev.softlabels.spark.internal.InternalRows;
import dev.softlabels.truth.EmSettings;
import dev.softlabels.truth.TruthInferences;
import dev.softlabels.truth.VoteBlocks;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Every image's votes ({@link ImageVotes}) to the label table: the vote fractions (majority) or a
 * truth- inference method's posteriors ({@link TruthInferences}) as the soft label, and the columns
 * derived from it ({@link LabelRow}), with the method's own image columns after them. The one
 * aggregation behind the aggregate job and the Spark ML stage.
 *
 * <p>The methods are transductive: an image's posterior depends on every annotator's estimated
 * reliability, which depends on all the votes, so the EM iterations (Spark jobs) run here ({@link
 * TruthInferences#fit}); the label rows of the final model are cached. Close the aggregation only
 * once the labels have been used.
 */
public final class LabelAggregation implements AutoCloseable {

  private final SparkSession spark;
  private final JavaRDD<VoteBlocks.ImageLabel> rows;
  private final ClassList classes;
  private final TruthInferences.Fit fit;

  private LabelAggregation(
      SparkSession spark,
      JavaRDD<VoteBlocks.ImageLabel> rows,
      ClassList classes,
      TruthInferences.Fit fit) {
    this.spark = spark;
    this.rows = rows;
    this.classes = classes;
    this.fit = fit;
  }

  /**
   * The labels of {@code images}; for a model's posteriors this runs the fit (and caches the votes
   * it needs).
   */
  public static LabelAggregation of(
      SparkSession spark,
      JavaRDD<ImageVotes> images,
      ClassList classes,
      AggregationMethod method,
      EmSettings em) {
    if (!method.posterior()) {
      return new LabelAggregation(
          spark, images.map(votes -> majorityLabel(votes, classes)), classes, null);
    }
    TruthInferences.Fit fit = TruthInferences.fit(spark, images, classes, method, em);
    return new LabelAggregation(spark, fit.labelRows(), classes, fit);
  }

  private static final Object[] NO_VALUES = new Object[0];

  /** The columns a method's labels have after the label table's (GLAD's difficulty). */
  public static List<StructField> imageColumns(AggregationMethod method) {
    return method.posterior() ? TruthInferences.imageColumns(method) : List.of();
  }

  /**
   * Every image's votes from plain vote rows (image_id, annotator_id, class_index), every row
   * counted: the input of {@link #of} for votes that need no duplicate check. {@code whoVoted}
   * keeps the annotators, which every method but the majority vote needs.
   */
  public static JavaRDD<ImageVotes> imageVotes(
      Dataset<Row> votes, ClassList classes, boolean whoVoted) {
    int k = classes.size();
    return votes
        .groupBy(col(LabelColumns.IMAGE))
        .agg(collect_list(col(LabelColumns.ANNOTATOR)), collect_list(col(LabelColumns.CLASS_INDEX)))
        .javaRDD()
        .map(
            row -> {
              int[] reported =
                  row.<Integer>getList(2).stream().mapToInt(Integer::intValue).toArray();
              int[] counts = new int[k];
              for (int c : reported) {
                counts[c]++;
              }
              return whoVoted
                  ? new ImageVotes(
                      row.getString(0),
                      counts,
                      row.<String>getList(1).toArray(String[]::new),
                      reported)
                  : new ImageVotes(row.getString(0), counts, null, null);
            });
  }

  /** An image's majority label: the vote fractions as soft label, no image columns. */
  static VoteBlocks.ImageLabel majorityLabel(ImageVotes votes, ClassList classes) {
    return new VoteBlocks.ImageLabel(
        LabelRow.of(votes.image(), votes.counts(), LabelMath.soft(votes.counts()), classes),
        NO_VALUES);
  }

  /** The label table ({@link LabelColumns#SCHEMA}, then the method's image columns), lazy. */
  public Dataset<Row> labels() {
    return InternalRows.dataFrame(
        spark,
        rows.map(LabelAggregation::values),
        schema(fit == null ? List.of() : fit.imageColumns()));
  }

  /**
   * {@link #labels}, each row added to {@code sums} as it is made: the write that reads them sums
   * them.
   */
  Dataset<Row> labels(LabelStatisticsSums sums) {
    return InternalRows.dataFrame(
        spark,
        rows.map(
            label -> {
              sums.add(label.row());
              return values(label);
            }),
        schema(fit == null ? List.of() : fit.imageColumns()));
  }

  /** The label table's schema, then a method's image columns. */
  static StructType schema(List<StructField> imageColumns) {
    StructType schema = LabelColumns.SCHEMA;
    for (StructField column : imageColumns) {
      schema = schema.add(column);
    }
    return schema;
  }

  /**
   * A label row's values in {@link #schema}'s order, as {@link InternalRows#dataFrame} takes them.
   */
  static Object[] values(VoteBlocks.ImageLabel label) {
    Object[] values = label.row().values();
    Object[] row = Arrays.copyOf(values, values.length + label.imageValues().length);
    System.arraycopy(label.imageValues(), 0, row, values.length, label.imageValues().length);
    return row;
  }

  /** For a model's posteriors the fit: its figures and its annotators/ table; null for majority. */
  public TruthInferences.Fit fit() {
    return fit;
  }

  /** Releases what the fit cached. */
  @Override
  public void close() {
    if (fit != null) {
      fit.close();
    }
  }
}
