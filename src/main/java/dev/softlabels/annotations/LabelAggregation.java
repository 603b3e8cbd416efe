package dev.softlabels.annotations;

import static org.apache.spark.sql.functions.col;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.PersistedDatasets;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Usable votes (image_id, annotator_id, class_index) to the label table: counts per image, then the
 * derived columns from the vote fractions (majority) or from Dawid–Skene posteriors. The one
 * aggregation behind the aggregate job and the Spark ML stage.
 *
 * <p>Dawid–Skene is transductive: an image's posterior depends on every annotator's estimated
 * reliability, which depends on all the votes, so the EM iterations (Spark jobs) run here, on the votes
 * cached and partitioned by image. The labels are read from those cached votes: close the aggregation
 * only once the labels have been used, or they are computed again from the input.
 *
 * @param labels the columns of labels/, lazy
 * @param fit for Dawid–Skene the annotator model and the iterations; null for majority
 */
public record LabelAggregation(Dataset<Row> labels, DawidSkene.Fit fit, PersistedDatasets cached)
    implements AutoCloseable {

  /** The labels from the votes' image_id, annotator_id and class_index; other columns are not cached. */
  public static LabelAggregation of(Dataset<Row> rows, ClassList classes, AggregationMethod method,
      DawidSkeneSettings dawidSkene) {
    Dataset<Row> votes = rows.select(col(LabelColumns.IMAGE), col(LabelColumns.ANNOTATOR), col(LabelColumns.CLASS_INDEX));
    if (method == AggregationMethod.MAJORITY) {
      return new LabelAggregation(LabelColumns.derive(LabelColumns.countVotes(votes, classes), classes), null,
          new PersistedDatasets());
    }
    PersistedDatasets cached = new PersistedDatasets();
    Dataset<Row> partitioned = cached.persist(votes.repartition(col(LabelColumns.IMAGE)));
    Dataset<Row> counts = cached.persist(LabelColumns.countVotes(partitioned, classes));
    Dataset<Row> voteFractions = LabelColumns.withDerived(counts, classes)
        .select(col(LabelColumns.IMAGE), col(LabelColumns.SOFT_LABEL).as(DawidSkene.POSTERIOR));
    DawidSkene.Fit fit = DawidSkene.fit(partitioned, voteFractions, classes.size(), dawidSkene);
    Dataset<Row> posteriors = fit.posteriors().select(col(LabelColumns.IMAGE), col(DawidSkene.POSTERIOR));
    Dataset<Row> labels = LabelColumns.table(LabelColumns.withDerived(counts.join(posteriors, LabelColumns.IMAGE),
        classes, col(DawidSkene.POSTERIOR)));
    return new LabelAggregation(labels, fit, cached);
  }

  /** Releases the cached votes and counts. */
  @Override
  public void close() {
    cached.close();
  }
}
