package dev.softlabels.annotations;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Every image's votes ({@link ImageVotes}) to the label table: the vote fractions (majority) or a truth-
 * inference method's posteriors ({@link TruthInference}) as the soft label, and the columns derived from
 * it ({@link LabelRow}), with the method's own image columns after them. The one aggregation behind the
 * aggregate job and the Spark ML stage.
 *
 * <p>The methods are transductive: an image's posterior depends on every annotator's estimated
 * reliability, which depends on all the votes, so the EM iterations (Spark jobs) run here, over the votes
 * cached as {@link VoteBlocks}; the label rows of the final model are cached too. Close the aggregation
 * only once the labels have been used.
 */
public final class LabelAggregation implements AutoCloseable {

  private final SparkSession spark;
  private final JavaRDD<VoteBlocks.ImageLabel> rows;
  private final Em.Fit<?> fit;
  private final VoteBlocks blocks;

  private LabelAggregation(SparkSession spark, JavaRDD<VoteBlocks.ImageLabel> rows, Em.Fit<?> fit,
      VoteBlocks blocks) {
    this.spark = spark;
    this.rows = rows;
    this.fit = fit;
    this.blocks = blocks;
  }

  /** The labels of {@code images}; for a model's posteriors this runs the fit (and caches the votes it needs). */
  public static LabelAggregation of(SparkSession spark, JavaRDD<ImageVotes> images, ClassList classes,
      AggregationMethod method, EmSettings em) {
    if (!method.posterior()) {
      return new LabelAggregation(spark, images.map(votes -> new VoteBlocks.ImageLabel(
          LabelRow.of(votes.image(), votes.counts(), LabelMath.soft(votes.counts()), classes), NO_VALUES)), null, null);
    }
    VoteBlocks blocks = VoteBlocks.of(spark, images, classes);
    Em.Fit<?> fit = Em.fit(blocks, method, em);
    return new LabelAggregation(spark, fit.labelRows(blocks).persist(StorageLevel.MEMORY_AND_DISK()), fit, blocks);
  }

  private static final Object[] NO_VALUES = new Object[0];

  /** The columns a method's labels have after the label table's (GLAD's difficulty). */
  public static List<StructField> imageColumns(AggregationMethod method) {
    return method.posterior() ? TruthInferences.of(method).imageColumns() : List.of();
  }

  /**
   * Every image's votes from plain vote rows (image_id, annotator_id, class_index), every row counted:
   * the input of {@link #of} for votes that need no duplicate check. {@code whoVoted} keeps the
   * annotators, which every method but the majority vote needs.
   */
  public static JavaRDD<ImageVotes> imageVotes(Dataset<Row> votes, ClassList classes, boolean whoVoted) {
    int k = classes.size();
    return votes.groupBy(col(LabelColumns.IMAGE))
        .agg(collect_list(col(LabelColumns.ANNOTATOR)), collect_list(col(LabelColumns.CLASS_INDEX)))
        .javaRDD()
        .map(row -> {
          int[] reported = row.<Integer>getList(2).stream().mapToInt(Integer::intValue).toArray();
          int[] counts = new int[k];
          for (int c : reported) {
            counts[c]++;
          }
          return whoVoted
              ? new ImageVotes(row.getString(0), counts, row.<String>getList(1).toArray(String[]::new), reported)
              : new ImageVotes(row.getString(0), counts, null, null);
        });
  }

  /** The label table ({@link LabelColumns#SCHEMA}, then the method's image columns), lazy. */
  public Dataset<Row> labels() {
    StructType schema = LabelColumns.SCHEMA;
    for (StructField column : fit == null ? List.<StructField>of() : fit.method().imageColumns()) {
      schema = schema.add(column);
    }
    return spark.internalCreateDataFrame(rows.map(LabelAggregation::internalRow).rdd(), schema, false);
  }

  private static InternalRow internalRow(VoteBlocks.ImageLabel label) {
    Object[] values = label.row().internalValues();
    Object[] row = Arrays.copyOf(values, values.length + label.imageValues().length);
    System.arraycopy(label.imageValues(), 0, row, values.length, label.imageValues().length);
    return new GenericInternalRow(row);
  }

  /** The labels' figures for a summary: one Spark job. */
  public LabelStatistics statistics() {
    return rows.map(VoteBlocks.ImageLabel::row).aggregate(new LabelStatistics(), LabelStatistics::add,
        LabelStatistics::merge);
  }

  /** For a model's posteriors the model and the iterations; null for majority. */
  public Em.Fit<?> fit() {
    return fit;
  }

  /** The fitted model's annotators/ table; only for a model's posteriors. */
  public Dataset<Row> annotators() {
    return annotatorTable(spark, fit, blocks.annotators());
  }

  /**
   * annotators/: annotator_id, labels, accuracy (the expected share of its labels that match the true
   * class, over the posteriors of the last pass), then the method's parameters.
   */
  private static <M extends Serializable> Dataset<Row> annotatorTable(SparkSession spark, Em.Fit<M> fit,
      List<String> annotators) {
    StructType schema = new StructType()
        .add(LabelColumns.ANNOTATOR, DataTypes.StringType, false)
        .add("labels", DataTypes.LongType, false)
        .add("accuracy", DataTypes.DoubleType, false);
    for (StructField column : fit.method().annotatorColumns()) {
      schema = schema.add(column);
    }
    List<Row> rows = new ArrayList<>(annotators.size());
    for (int a = 0; a < annotators.size(); a++) {
      List<Object> values = new ArrayList<>(List.of(annotators.get(a), fit.last().labels[a], fit.last().accuracy(a)));
      values.addAll(Arrays.asList(fit.method().annotatorValues(fit.model(), a)));
      rows.add(RowFactory.create(values.toArray()));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** Releases what the fit cached. */
  @Override
  public void close() {
    if (blocks != null) {
      rows.unpersist(false);
      fit.close();
      blocks.close();
    }
  }
}
