package dev.softlabels.relabel;

import static dev.softlabels.labels.LabelColumns.HARD_LABEL_NAME;
import static dev.softlabels.labels.LabelColumns.N_ANNOTATIONS;
import static dev.softlabels.labels.LabelColumns.SOFT_LABEL;

import dev.softlabels.annotations.ImageVotes;
import dev.softlabels.annotations.VotePass;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import dev.softlabels.labels.SoftLabelMetrics;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A night's new rows of the images it touched: the store's columns, computed in Java from the image's
 * earlier row and its night votes as the vote pass found them ({@link VotePass#onto}; {@link LabelRow},
 * {@link LabelMath}), with what the change report shows beside them.
 */
final class TouchedImages {

  static final String PREVIOUS = "previous_";
  static final String CHANGE = "change";
  static final String SHIFT_KL = "shift_kl";
  /** The store's columns, then the change and the previous values the change report shows. */
  static final StructType SCHEMA = LabelStore.schema()
      .add(CHANGE, DataTypes.StringType, false)
      .add(PREVIOUS + HARD_LABEL_NAME, DataTypes.StringType, true)
      .add(PREVIOUS + N_ANNOTATIONS, DataTypes.IntegerType, true)
      .add(PREVIOUS + SOFT_LABEL, DataTypes.createArrayType(DataTypes.DoubleType, false), true)
      .add(SHIFT_KL, DataTypes.DoubleType, true);

  private TouchedImages() {}

  /** The touched rows of {@code pass} ({@link #SCHEMA}), in Spark's row form: written as they are. */
  static JavaRDD<InternalRow> of(VotePass pass, ClassList classes, String night) {
    return pass.imageVotes((votes, prior) -> row(votes, prior, classes, night));
  }

  static Dataset<Row> frame(SparkSession spark, JavaRDD<InternalRow> touched) {
    return spark.internalCreateDataFrame(touched.rdd(), SCHEMA, false);
  }

  static InternalRow row(ImageVotes votes, VotePass.Prior prior, ClassList classes, String night) {
    String image = votes.image();
    int[] counts = votes.counts().clone();
    String[] annotators = votes.annotators();
    UTF8String firstSeen = UTF8String.fromString(night);
    LabelRow before = null;
    if (prior != null) {
      for (int k = 0; k < counts.length; k++) {
        counts[k] += prior.counts()[k];
      }
      annotators = Stream.concat(Stream.of(prior.annotators()), Stream.of(votes.annotators())).toArray(String[]::new);
      firstSeen = UTF8String.fromString(prior.firstSeen());
      before = LabelRow.of(image, prior.counts(), LabelMath.soft(prior.counts()), classes);
    }
    LabelRow after = LabelRow.of(image, counts, LabelMath.soft(counts), classes);
    ImageChange change = before == null ? ImageChange.NEW
        : before.hardLabel() != after.hardLabel() ? ImageChange.FLIPPED : ImageChange.UPDATED;
    Object[] values = Arrays.copyOf(after.internalValues(), SCHEMA.size());
    int field = LabelColumns.SCHEMA.size();
    values[field++] = new GenericArrayData(Stream.of(annotators).map(UTF8String::fromString).toArray());
    values[field++] = firstSeen;
    values[field++] = UTF8String.fromString(night);
    values[field++] = LabelMath.flipProbability(counts);
    values[field++] = UTF8String.fromString(change.code());
    if (before != null) {
      values[field++] = UTF8String.fromString(before.hardLabelName());
      values[field++] = before.annotations();
      values[field++] = UnsafeArrayData.fromPrimitiveArray(before.soft());
      values[field] = LabelMath.klDivergence(after.soft(), before.soft(), SoftLabelMetrics.KL_EPSILON);
    }
    return new GenericInternalRow(values);
  }
}
