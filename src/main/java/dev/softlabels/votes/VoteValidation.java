package dev.softlabels.votes;

import static dev.softlabels.annotations.AnnotationReader.RAW_RECORD;
import static dev.softlabels.annotations.AnnotationReader.TOOL_REASON;
import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.CLASS_INDEX;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.annotations.LabelEncoding;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Decides for every raw annotation row whether it is usable on its own: adds {@code class_index}
 * (int) and {@code reason} (a {@link QuarantineReason} code, null for a usable row). Built-in Spark
 * expressions only, no shuffle; the duplicate rule needs an image's rows together and is the vote
 * pass's ({@link VotePass}).
 */
public final class VoteValidation {

  public static final String REASON = "reason";
  private static final String REPLACEMENT_CHARACTER = "\uFFFD";

  private VoteValidation() {}

  /** The reasons a row is unusable on its own (everything but duplicates): no shuffle. */
  public static Dataset<Row> checkRows(
      Dataset<Row> raw, ClassList classes, LabelEncoding encoding) {
    return raw.withColumn(CLASS_INDEX, classIndex(col(LABEL), classes, encoding))
        .withColumn(REASON, rowReason());
  }

  /**
   * {@link #classIndex(Column, ClassList, LabelEncoding)} for labels read on the driver: the same
   * class for every label, null where it names none.
   */
  static Function<String, Integer> classIndexOf(ClassList classes, LabelEncoding encoding) {
    return switch (encoding) {
      case NAME, AUTO -> {
        Map<String, Integer> byName = new HashMap<>();
        for (int c = classes.size() - 1; c >= 0; c--) {
          byName.put(classes.names().get(c), c);
        }
        yield label -> label == null ? null : byName.get(label);
      }
      case INDEX ->
          label -> {
            // As Spark's rlike (a find, where $ also matches before a final line terminator) then
            // its cast of the digits.
            Matcher digits = label == null ? null : INDEX_DIGITS.matcher(label);
            if (digits == null || !digits.find()) {
              return null;
            }
            int index = Integer.parseInt(digits.group(1));
            return index < classes.size() ? index : null;
          };
    };
  }

  private static final Pattern INDEX_DIGITS = Pattern.compile("^([0-9]{1,9})$");

  /**
   * {@link #checkRows}'s reason for one row read on the driver: null for a usable row, else the
   * first reason that holds, in the same order.
   */
  static String reason(
      String image,
      String annotator,
      String label,
      String rawRecord,
      String toolReason,
      Integer classIndex) {
    if (rawRecord != null) {
      return QuarantineReason.UNPARSABLE_ROW.code();
    }
    if (toolReason != null) {
      return toolReason;
    }
    if (undecoded(image) || undecoded(annotator) || undecoded(label)) {
      return QuarantineReason.UNDECODABLE_TEXT.code();
    }
    if (blank(image)) {
      return QuarantineReason.MISSING_IMAGE_ID.code();
    }
    if (blank(annotator)) {
      return QuarantineReason.MISSING_ANNOTATOR_ID.code();
    }
    if (blank(label)) {
      return QuarantineReason.MISSING_LABEL.code();
    }
    return classIndex == null ? QuarantineReason.UNKNOWN_CLASS.code() : null;
  }

  private static boolean undecoded(String value) {
    return value != null && value.contains(REPLACEMENT_CHARACTER);
  }

  private static boolean blank(String value) {
    return value == null || value.isEmpty();
  }

  /** The 0-based class of a label, or null when it names no class. */
  static Column classIndex(Column label, ClassList classes, LabelEncoding encoding) {
    return switch (encoding) {
      case NAME, AUTO -> LabelColumns.classIndexOfName(label, classes);
      // At most 9 digits so the cast to int cannot overflow.
      case INDEX ->
          LabelColumns.classIndexOfIndex(
              when(label.rlike("^[0-9]{1,9}$"), label.cast(DataTypes.IntegerType)), classes);
    };
  }

  private static Column rowReason() {
    return when(col(RAW_RECORD).isNotNull(), code(QuarantineReason.UNPARSABLE_ROW))
        .when(col(TOOL_REASON).isNotNull(), col(TOOL_REASON))
        .when(
            undecoded(col(IMAGE)).or(undecoded(col(ANNOTATOR))).or(undecoded(col(LABEL))),
            code(QuarantineReason.UNDECODABLE_TEXT))
        .when(blank(col(IMAGE)), code(QuarantineReason.MISSING_IMAGE_ID))
        .when(blank(col(ANNOTATOR)), code(QuarantineReason.MISSING_ANNOTATOR_ID))
        .when(blank(col(LABEL)), code(QuarantineReason.MISSING_LABEL))
        .when(col(CLASS_INDEX).isNull(), code(QuarantineReason.UNKNOWN_CLASS));
  }

  /** Holds U+FFFD, what decoding with replacement puts where the bytes were not text (null: no). */
  private static Column undecoded(Column value) {
    return value.contains(REPLACEMENT_CHARACTER);
  }

  private static Column blank(Column value) {
    // Compared with "" rather than by length: a length counts characters, decoding every id.
    return value.isNull().or(value.equalTo(""));
  }

  private static Column code(QuarantineReason reason) {
    return lit(reason.code());
  }
}
