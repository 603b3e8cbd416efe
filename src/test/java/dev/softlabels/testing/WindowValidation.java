package dev.softlabels.testing;

import static dev.softlabels.annotations.AnnotationReader.FILE_ORDER;
import static dev.softlabels.annotations.AnnotationReader.RAW_RECORD;
import static dev.softlabels.annotations.AnnotationReader.ROW_ORDER;
import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static dev.softlabels.votes.VoteValidation.REASON;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.annotations.LabelEncoding;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.labels.ClassList;
import dev.softlabels.votes.VoteValidation;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The duplicate rule as the plan the vote pass replaced computed it: a window over (image,
 * annotator) that keeps each annotator's first usable vote in input order. Tests hold the pass to
 * it.
 */
public final class WindowValidation {

  private WindowValidation() {}

  /** Every row with its reason, duplicates included. */
  public static Dataset<Row> classify(Dataset<Row> raw, ClassList classes, LabelEncoding encoding) {
    // Only usable votes compete for "first": an unknown-class row does not shadow a later valid
    // vote.
    Column usable = col(REASON).isNull();
    Column voteNumber =
        row_number()
            .over(
                Window.partitionBy(col(IMAGE), col(ANNOTATOR), usable)
                    .orderBy(col(FILE_ORDER), col(ROW_ORDER)));
    return VoteValidation.checkRows(raw, classes, encoding)
        .withColumn(
            REASON,
            when(usable.and(voteNumber.gt(1)), lit(QuarantineReason.DUPLICATE_VOTE.code()))
                .otherwise(col(REASON)));
  }

  /**
   * The quarantine table's columns of the rejected rows: the row as read, its reason and input
   * order.
   */
  public static Dataset<Row> rejected(Dataset<Row> classified) {
    return classified
        .filter(col(REASON).isNotNull())
        .select(
            col(IMAGE), col(ANNOTATOR), col(LABEL), col(RAW_RECORD), col(REASON), col(ROW_ORDER));
  }
}
