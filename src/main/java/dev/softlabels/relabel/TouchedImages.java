package dev.softlabels.relabel;

import static dev.softlabels.labels.LabelColumns.HARD_LABEL_NAME;
import static dev.softlabels.labels.LabelColumns.N_ANNOTATIONS;
import static dev.softlabels.labels.LabelColumns.SOFT_LABEL;
import static org.apache.spark.sql.functions.col;

import dev.softlabels.annotations.ImageVotes;
import dev.softlabels.annotations.VotePass;
import dev.softlabels.annotations.VoteValidation;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import dev.softlabels.labels.SoftLabelMetrics;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
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

  /** The votes a touched image got tonight (0 on a rejected row). */
  static final String NIGHT_VOTES = "night_votes";
  /**
   * The night's table: a touched image's row ({@link #SCHEMA}, reason null) or a rejected row (the
   * quarantine columns, {@link VotePass#QUARANTINE}), in one table so that the walk runs once and its
   * result is cached in Spark's columnar form.
   */
  static final StructType NIGHT = nightSchema();
  private static final int NIGHT_VOTES_FIELD = SCHEMA.size();
  private static final int[] QUARANTINE_FIELDS = Arrays.stream(VotePass.QUARANTINE.fieldNames())
      .mapToInt(NIGHT::fieldIndex).toArray();
  private static final int REASON_FIELD = NIGHT.fieldIndex(VoteValidation.REASON);

  private TouchedImages() {}

  private static StructType nightSchema() {
    StructType night = new StructType();
    for (StructField field : SCHEMA.fields()) {
      night = night.add(field.name(), field.dataType(), true);
    }
    night = night.add(NIGHT_VOTES, DataTypes.IntegerType, true);
    for (StructField field : VotePass.QUARANTINE.fields()) {
      if (!field.name().equals(LabelColumns.IMAGE)) {
        night = night.add(field);
      }
    }
    return night;
  }

  /** The night's table ({@link #NIGHT}) from its vote pass, lazy: the first action walks and caches it. */
  static Dataset<Row> night(SparkSession spark, VotePass pass, ClassList classes, String night) {
    JavaRDD<InternalRow> rows = pass.map((votes, prior) -> row(votes, prior, classes, night), TouchedImages::rejected);
    return spark.internalCreateDataFrame(rows.rdd(), NIGHT, false);
  }

  /** The touched images' rows ({@link #SCHEMA}) of a night's table. */
  static Dataset<Row> touched(Dataset<Row> night) {
    return night.filter(col(VoteValidation.REASON).isNull())
        .select(Arrays.stream(SCHEMA.fieldNames()).map(functions::col).toArray(Column[]::new));
  }

  /** The rejected rows ({@link VotePass#QUARANTINE}) of a night's table. */
  static Dataset<Row> rejected(Dataset<Row> night) {
    return night.filter(col(VoteValidation.REASON).isNotNull())
        .select(Arrays.stream(VotePass.QUARANTINE.fieldNames()).map(functions::col).toArray(Column[]::new));
  }

  /** Whether a row of the night's table is a rejected one, and its reason. */
  static boolean isRejected(InternalRow night) {
    return !night.isNullAt(REASON_FIELD);
  }

  static String reason(InternalRow night) {
    return night.getUTF8String(REASON_FIELD).toString();
  }

  static int nightVotes(InternalRow night) {
    return night.getInt(NIGHT_VOTES_FIELD);
  }

  private static InternalRow rejected(Row rejected) {
    Object[] values = new Object[NIGHT.size()];
    for (int f = 0; f < QUARANTINE_FIELDS.length; f++) {
      Object value = rejected.get(f);
      values[QUARANTINE_FIELDS[f]] = value instanceof String text ? UTF8String.fromString(text) : value;
    }
    return new GenericInternalRow(values);
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
    Object[] values = Arrays.copyOf(after.internalValues(), NIGHT.size());
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
    values[NIGHT_VOTES_FIELD] = Arrays.stream(votes.counts()).sum();
    return new GenericInternalRow(values);
  }
}
