package dev.softlabels.labels;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.forall;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;

/**
 * The project's array columns whose entries follow the class list, spread into columns named by
 * class: {@code soft_label_cat}, {@code counts_Golden Retriever}, and for a matrix (annotators'
 * {@code confusion}, row the true class, entry the class given) {@code confusion_cat_dog}. For
 * readers that do not have the class list at hand, such as pandas reading a CSV. Built-in
 * expressions only: the spread is part of the one pass that writes the rows.
 */
public final class ClassColumns {

  /** Arrays with one entry per class. */
  private static final Set<String> PER_CLASS =
      Set.of(
          LabelColumns.COUNTS,
          LabelColumns.SOFT_LABEL,
          "previous_" + LabelColumns.SOFT_LABEL,
          LabelColumns.PROBABILITIES,
          "spam_distribution");

  /** Matrices with one row per true class and one entry per class given. */
  private static final Set<String> PER_CLASS_PAIR = Set.of("confusion");

  /** What a row whose array has not one entry per class raises, followed by the column's name. */
  private static final String WRONG_LENGTH = "softlabels-wrong-class-count:";

  private static final Pattern WRONG_LENGTH_COLUMN =
      Pattern.compile(Pattern.quote(WRONG_LENGTH) + "([a-z_]+)");

  private ClassColumns() {}

  /** Whether {@code field} is one of the arrays in class order. */
  public static boolean inClassOrder(StructField field) {
    return field.dataType() instanceof ArrayType
        && (PER_CLASS.contains(field.name()) || PER_CLASS_PAIR.contains(field.name()));
  }

  /**
   * One class column of an array in class order: its name, the array's entry it holds and, for a
   * matrix, that row's entry ({@code -1} for an array with one entry per class). 0-based.
   */
  public record Entry(String name, int entry, int given) {}

  /** Whether {@code field} ({@link #inClassOrder}) is a matrix: one row per true class. */
  public static boolean isMatrix(StructField field) {
    return PER_CLASS_PAIR.contains(field.name());
  }

  /**
   * The class columns of {@code field} ({@link #inClassOrder}) in class order: one per class, or
   * per pair of classes for a matrix.
   */
  public static List<Entry> entries(StructField field, ClassList classes) {
    int k = classes.size();
    boolean pairs = isMatrix(field);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < (pairs ? k : 1); j++) {
        String name = field.name() + "_" + classes.name(i) + (pairs ? "_" + classes.name(j) : "");
        entries.add(new Entry(name, i, pairs ? j : -1));
      }
    }
    return entries;
  }

  /**
   * The array column {@code field} ({@link #inClassOrder}) as one column per class or pair of
   * classes, in class order ({@link #entries}). A row whose array (or a matrix row) has not one
   * entry per class fails the write (see {@link #wrongLength}) instead of losing entries or reading
   * as nulls; a null array gives nulls.
   */
  public static List<Column> spread(StructField field, ClassList classes) {
    Column array = col("`" + field.name() + "`");
    int k = classes.size();
    Column fits = size(array).equalTo(k);
    if (isMatrix(field)) {
      fits = fits.and(forall(array, row -> size(row).equalTo(k)));
    }
    List<Column> columns = new ArrayList<>();
    for (Entry entry : entries(field, classes)) {
      Column value = try_element_at(array, lit(entry.entry() + 1));
      if (entry.given() >= 0) {
        value = try_element_at(value, lit(entry.given() + 1));
      }
      if (columns.isEmpty()) {
        value =
            when(array.isNull().or(fits), value).otherwise(raise_error(lit(failure(field.name()))));
      }
      columns.add(value.as(entry.name()));
    }
    return columns;
  }

  /**
   * What a write of {@code column}'s class columns fails with when a row's array has not one entry
   * per class: the message {@link #wrongLength} finds the column in.
   */
  public static String failure(String column) {
    return WRONG_LENGTH + column;
  }

  /**
   * The column whose arrays did not have one entry per class, when {@code failure} (a failed write
   * of {@link #spread}'s columns) was caused by one.
   */
  public static Optional<String> wrongLength(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      Matcher matcher = WRONG_LENGTH_COLUMN.matcher(String.valueOf(cause.getMessage()));
      if (matcher.find()) {
        return Optional.of(matcher.group(1));
      }
    }
    return Optional.empty();
  }
}
