package dev.softlabels.annotations;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Every image's votes ({@link ImageVotes}) to the label table: the vote fractions (majority) or
 * Dawid–Skene posteriors as the soft label, and the columns derived from it ({@link LabelRow}). The one
 * aggregation behind the aggregate job and the Spark ML stage.
 *
 * <p>Dawid–Skene is transductive: an image's posterior depends on every annotator's estimated
 * reliability, which depends on all the votes, so the EM iterations (Spark jobs) run here, over the votes
 * cached as {@link VoteBlocks}; the label rows of the final model are cached too. Close the aggregation
 * only once the labels have been used.
 */
public final class LabelAggregation implements AutoCloseable {

  private final SparkSession spark;
  private final JavaRDD<LabelRow> rows;
  private final DawidSkene.Fit fit;
  private final VoteBlocks blocks;

  private LabelAggregation(SparkSession spark, JavaRDD<LabelRow> rows, DawidSkene.Fit fit, VoteBlocks blocks) {
    this.spark = spark;
    this.rows = rows;
    this.fit = fit;
    this.blocks = blocks;
  }

  /** The labels of {@code images}; for Dawid–Skene this runs the fit (and caches the votes it needs). */
  public static LabelAggregation of(SparkSession spark, JavaRDD<ImageVotes> images, ClassList classes,
      AggregationMethod method, DawidSkeneSettings dawidSkene) {
    if (method == AggregationMethod.MAJORITY) {
      return new LabelAggregation(spark,
          images.map(votes -> LabelRow.of(votes.image(), votes.counts(), LabelMath.soft(votes.counts()), classes)),
          null, null);
    }
    VoteBlocks blocks = VoteBlocks.of(spark, images, classes);
    DawidSkene.Fit fit = DawidSkene.fit(blocks, dawidSkene);
    return new LabelAggregation(spark,
        DawidSkene.labelRows(blocks, fit.model()).persist(StorageLevel.MEMORY_AND_DISK()), fit, blocks);
  }

  /**
   * Every image's votes from plain vote rows (image_id, annotator_id, class_index), every row counted:
   * the input of {@link #of} for votes that need no duplicate check. {@code whoVoted} keeps the
   * annotators, which Dawid–Skene needs.
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

  /** The label table ({@link LabelColumns#SCHEMA}), lazy. */
  public Dataset<Row> labels() {
    return spark.internalCreateDataFrame(rows.map(LabelRow::toInternalRow).rdd(), LabelColumns.SCHEMA, false);
  }

  /** The labels' figures for a summary: one Spark job. */
  public LabelStatistics statistics() {
    return rows.aggregate(new LabelStatistics(), LabelStatistics::add, LabelStatistics::merge);
  }

  /** For Dawid–Skene the annotator model and the iterations; null for majority. */
  public DawidSkene.Fit fit() {
    return fit;
  }

  /** Releases what Dawid–Skene cached. */
  @Override
  public void close() {
    if (blocks != null) {
      rows.unpersist(false);
      blocks.close();
    }
  }
}
