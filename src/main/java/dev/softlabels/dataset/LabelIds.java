package dev.softlabels.dataset;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A label table's image ids mapped by {@link LabelIdPattern} onto the ids of the images. Mapping
 * must be one to one: a label id the pattern does not match, or two label rows it maps to one image
 * id, stop the job, since training on either would be a guess (which row, which image?).
 */
final class LabelIds {

  private static final String LABEL_ID = "label_id";
  private static final String ROWS = "rows";
  private static final String FIRST = "first_label_id";
  private static final String LAST = "last_label_id";

  private LabelIds() {}

  /**
   * The image id of a label id: regexp_extract's first group, "" where the pattern does not match.
   */
  static Column imageId(Column labelId, LabelIdPattern pattern) {
    return pattern.maps() ? regexp_extract(labelId, pattern.regex(), 1) : labelId;
  }

  /** {@code labels} with image_id mapped; checked in one pass that yields one row. */
  static Dataset<Row> mapped(Dataset<Row> labels, LabelIdPattern pattern, String labelsPath) {
    if (!pattern.maps()) {
      return labels;
    }
    Dataset<Row> mapped =
        labels
            .withColumn(LABEL_ID, col(LabelColumns.IMAGE))
            .withColumn(LabelColumns.IMAGE, imageId(col(LabelColumns.IMAGE), pattern));
    // Every unmatched label id maps to "", so they form one group.
    Column unmatched = col(LabelColumns.IMAGE).equalTo("");
    Column shared = col(LabelColumns.IMAGE).notEqual("").and(col(ROWS).gt(1));
    Row check =
        mapped
            .groupBy(LabelColumns.IMAGE)
            .agg(count(lit(1)).as(ROWS), min(LABEL_ID).as(FIRST), max(LABEL_ID).as(LAST))
            .agg(
                sum(col(ROWS)),
                sum(when(unmatched, col(ROWS))),
                min(when(unmatched, col(FIRST))),
                count(when(shared, lit(1))),
                min(when(shared, struct(col(LabelColumns.IMAGE), col(FIRST), col(LAST)))))
            .first();
    String setting = LabelIdPattern.KEY + " '" + pattern.setting() + "'";
    if (!check.isNullAt(1)) {
      throw new UserError(
          String.format(
              Locale.ROOT,
              "%,d of the %,d label ids in %s do not match %s (e.g. '%s'): "
                  + "change %s so that its first group is the image id",
              check.getLong(1),
              check.getLong(0),
              labelsPath,
              setting,
              check.getString(2),
              LabelIdPattern.FLAG));
    }
    if (check.getLong(3) > 0) {
      Row example = check.getStruct(4);
      throw new UserError(
          String.format(
              Locale.ROOT,
              "%s maps several label rows of %s to one image id, for %,d "
                  + "image ids (e.g. '%s' and '%s' both give '%s'): change %s so that it keeps what tells them apart",
              setting,
              labelsPath,
              check.getLong(3),
              example.getString(1),
              example.getString(2),
              example.getString(0),
              LabelIdPattern.FLAG));
    }
    return mapped.drop(LABEL_ID);
  }
}
