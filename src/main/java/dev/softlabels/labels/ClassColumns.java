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
   * The array column {@code field} ({@link #inClassOrder}) as one column per class or pair of
   * classes, in class order. A row whose array (or a matrix row) has not one entry per class fails
   * the write (see {@link #wrongLength}) instead of losing entries or reading as nulls; a null
   * array gives nulls.
   */
  public static List<Column> spread(StructField field, ClassList classes) {
    Column array = col("`" + field.name() + "`");
    int k = classes.size();
    boolean pairs = PER_CLASS_PAIR.contains(field.name());
    Column fits = size(array).equalTo(k);
    if (pairs) {
      fits = fits.and(forall(array, row -> size(row).equalTo(k)));
    }
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Column entry = try_element_at(array, lit(i + 1));
      for (int j = 0; j < (pairs ? k : 1); j++) {
        Column value = pairs ? try_element_at(entry, lit(j + 1)) : entry;
        String name = field.name() + "_" + classes.name(i) + (pairs ? "_" + classes.name(j) : "");
        if (columns.isEmpty()) {
          value =
              when(array.isNull().or(fits), value)
                  .otherwise(raise_error(lit(WRONG_LENGTH + field.name())));
        }
        columns.add(value.as(name));
      }
    }
    return columns;
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
