package dev.softlabels.relabel;

import static dev.softlabels.labels.LabelColumns.HARD_LABEL_NAME;
import static dev.softlabels.labels.LabelColumns.N_ANNOTATIONS;
import static dev.softlabels.labels.LabelColumns.SOFT_LABEL;
import static org.apache.spark.sql.functions.col;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.labels.LabelRow;
import dev.softlabels.labels.SoftLabelMetrics;
import dev.softlabels.spark.internal.InternalRows;
import dev.softlabels.spark.internal.RowView;
import dev.softlabels.votes.VotePass;
import dev.softlabels.votes.VoteValidation;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A night's new rows of the images it touched: the store's columns, computed in Java from the
 * image's earlier row and its night votes as the vote pass found them ({@link VotePass#onto};
 * {@link LabelRow}, {@link LabelMath}), with what the change report shows beside them.
 */
final class TouchedImages {

  static final String PREVIOUS = "previous_";
  static final String CHANGE = "change";
  static final String SHIFT_KL = "shift_kl";

  /** The store's columns, then the change and the previous values the change report shows. */
  static final StructType SCHEMA =
      LabelStore.schema()
          .add(CHANGE, DataTypes.StringType, false)
          .add(PREVIOUS + HARD_LABEL_NAME, DataTypes.StringType, true)
          .add(PREVIOUS + N_ANNOTATIONS, DataTypes.IntegerType, true)
          .add(PREVIOUS + SOFT_LABEL, DataTypes.createArrayType(DataTypes.DoubleType, false), true)
          .add(SHIFT_KL, DataTypes.DoubleType, true);

  /** The votes a touched image got tonight (0 on a rejected row). */
  static final String NIGHT_VOTES = "night_votes";

  /**
   * The night's table: a touched image's row ({@link #SCHEMA}, reason null) or a rejected row (the
   * quarantine columns, {@link VotePass#QUARANTINE}), in one table so that the walk runs once and
   * its result is cached in Spark's columnar form.
   */
  static final StructType NIGHT = nightSchema();

  private static final int NIGHT_VOTES_FIELD = NIGHT.fieldIndex(NIGHT_VOTES);
  private static final int[] QUARANTINE_FIELDS =
      Arrays.stream(VotePass.QUARANTINE.fieldNames()).mapToInt(NIGHT::fieldIndex).toArray();
  private static final int REASON_FIELD = NIGHT.fieldIndex(VoteValidation.REASON);
  private static final int ANNOTATORS_FIELD = NIGHT.fieldIndex(LabelStore.ANNOTATORS);
  private static final int FIRST_SEEN_FIELD = NIGHT.fieldIndex(LabelStore.FIRST_SEEN);
  private static final int LAST_CHANGED_FIELD = NIGHT.fieldIndex(LabelStore.LAST_CHANGED);
  private static final int FLIP_PROBABILITY_FIELD = NIGHT.fieldIndex(LabelStore.FLIP_PROBABILITY);
  private static final int CHANGE_FIELD = NIGHT.fieldIndex(CHANGE);
  private static final int PREVIOUS_HARD_LABEL_NAME_FIELD =
      NIGHT.fieldIndex(PREVIOUS + HARD_LABEL_NAME);
  private static final int PREVIOUS_N_ANNOTATIONS_FIELD =
      NIGHT.fieldIndex(PREVIOUS + N_ANNOTATIONS);
  private static final int PREVIOUS_SOFT_LABEL_FIELD = NIGHT.fieldIndex(PREVIOUS + SOFT_LABEL);
  private static final int SHIFT_KL_FIELD = NIGHT.fieldIndex(SHIFT_KL);

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

  /**
   * The night's table ({@link #NIGHT}) from its vote pass, lazy: the first action walks and caches
   * it.
   */
  static Dataset<Row> night(SparkSession spark, VotePass pass, ClassList classes, String night) {
    JavaRDD<Object[]> rows =
        pass.map((votes, earlier) -> row(votes, earlier, classes, night), TouchedImages::rejected);
    return InternalRows.dataFrame(spark, rows, NIGHT);
  }

  /** The touched images' rows ({@link #SCHEMA}) of a night's table. */
  static Dataset<Row> touched(Dataset<Row> night) {
    return night
        .filter(col(VoteValidation.REASON).isNull())
        .select(Arrays.stream(SCHEMA.fieldNames()).map(functions::col).toArray(Column[]::new));
  }

  /** The rejected rows ({@link VotePass#QUARANTINE}) of a night's table. */
  static Dataset<Row> rejected(Dataset<Row> night) {
    return night
        .filter(col(VoteValidation.REASON).isNotNull())
        .select(
            Arrays.stream(VotePass.QUARANTINE.fieldNames())
                .map(functions::col)
                .toArray(Column[]::new));
  }

  /** Whether a row of the night's table is a rejected one, and its reason. */
  static boolean isRejected(RowView night) {
    return !night.isNullAt(REASON_FIELD);
  }

  static String reason(RowView night) {
    return night.getString(REASON_FIELD);
  }

  static int nightVotes(RowView night) {
    return night.getInt(NIGHT_VOTES_FIELD);
  }

  private static Object[] rejected(Row rejected) {
    Object[] values = new Object[NIGHT.size()];
    for (int f = 0; f < QUARANTINE_FIELDS.length; f++) {
      values[QUARANTINE_FIELDS[f]] = rejected.get(f);
    }
    return values;
  }

  static Object[] row(
      ImageVotes votes, VotePass.EarlierVotes earlier, ClassList classes, String night) {
    String image = votes.image();
    int[] counts = votes.counts().clone();
    String[] annotators = votes.annotators();
    String firstSeen = night;
    LabelRow before = null;
    if (earlier != null) {
      for (int k = 0; k < counts.length; k++) {
        counts[k] += earlier.counts()[k];
      }
      annotators =
          Stream.concat(Stream.of(earlier.annotators()), Stream.of(votes.annotators()))
              .toArray(String[]::new);
      firstSeen = earlier.firstSeen();
      before = LabelRow.of(image, earlier.counts(), LabelMath.soft(earlier.counts()), classes);
    }
    LabelRow after = LabelRow.of(image, counts, LabelMath.soft(counts), classes);
    ImageChange change =
        before == null
            ? ImageChange.NEW
            : before.hardLabel() != after.hardLabel() ? ImageChange.FLIPPED : ImageChange.UPDATED;
    Object[] values = Arrays.copyOf(after.values(), NIGHT.size());
    values[ANNOTATORS_FIELD] = annotators;
    values[FIRST_SEEN_FIELD] = firstSeen;
    values[LAST_CHANGED_FIELD] = night;
    values[FLIP_PROBABILITY_FIELD] = LabelMath.flipProbability(counts);
    values[CHANGE_FIELD] = change.code();
    if (before != null) {
      values[PREVIOUS_HARD_LABEL_NAME_FIELD] = before.hardLabelName();
      values[PREVIOUS_N_ANNOTATIONS_FIELD] = before.annotations();
      values[PREVIOUS_SOFT_LABEL_FIELD] = before.soft();
      values[SHIFT_KL_FIELD] =
          LabelMath.klDivergence(after.soft(), before.soft(), SoftLabelMetrics.KL_EPSILON);
    }
    values[NIGHT_VOTES_FIELD] = Arrays.stream(votes.counts()).sum();
    return values;
  }
}
