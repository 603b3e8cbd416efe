package dev.softlabels.export;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassColumns;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.relabel.LabelStore;
import dev.softlabels.spark.CsvExport;
import dev.softlabels.spark.HadoopPaths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One of the project's tables as a CSV file a person can read: the arrays in class order as columns
 * named by class ({@link ClassColumns}), or, asked for, as JSON arrays. A label store is read as
 * {@code relabel export} reads it, each image's latest row: its table keeps every night's rows.
 */
public final class ToCsvJob {

  /** The option that keeps the arrays whole. */
  public static final String ARRAYS = "--arrays";

  /** The file beside a table that may record its class list. */
  static final String SUMMARY = "summary.json";

  private ToCsvJob() {}

  /**
   * @param columns the CSV's columns
   * @param classes the class list that named the class columns; empty when none were written
   */
  public record Written(List<String> columns, Optional<ClassList> classes) {}

  /**
   * @param arrays write the arrays in class order as JSON arrays, not as one column per class
   */
  public static Written run(
      SparkSession spark, String input, String output, boolean overwrite, boolean arrays) {
    HadoopPaths paths = HadoopPaths.of(spark);
    paths.requireExists(input, "input");
    Optional<LabelStore> store = LabelStore.at(spark, input);
    if (store.isEmpty() && paths.exists(HadoopPaths.child(input, LabelStore.DELTA_LOG))) {
      throw new UserError(
          input
              + " is a Delta table but no label store: to-csv reads Parquet tables and label "
              + "stores (relabel --state)");
    }
    Dataset<Row> table =
        store
            .map(s -> s.labelTable(""))
            .orElseGet(() -> spark.read().parquet(paths.forSpark(input)));
    List<StructField> inClassOrder =
        Arrays.stream(table.schema().fields()).filter(ClassColumns::inClassOrder).toList();
    if (arrays || inClassOrder.isEmpty()) {
      return new Written(CsvExport.run(spark, table, input, output, overwrite), Optional.empty());
    }
    ClassList classes =
        classes(paths, input, table.schema())
            .orElseThrow(
                () ->
                    new UserError(
                        "no class list "
                            + "found for "
                            + names(inClassOrder)
                            + " of "
                            + input
                            + " (neither in soft_label's metadata nor as classes "
                            + "in a "
                            + SUMMARY
                            + " beside it): pass "
                            + ARRAYS
                            + " to write them as JSON arrays in class order"));
    Dataset<Row> spread = table.select(spread(table.schema(), classes).toArray(Column[]::new));
    requireDistinctNames(spread.columns(), input);
    try {
      return new Written(
          CsvExport.run(spark, spread, input, output, overwrite), Optional.of(classes));
    } catch (Exception failed) {
      Optional<String> column = ClassColumns.wrongLength(failed);
      if (column.isPresent()) {
        throw new UserError(
            column.get()
                + " of "
                + input
                + " has rows without one entry per class of "
                + classes.names()
                + " (the class list found for it); nothing written: pass "
                + ARRAYS
                + " to write the arrays as they are");
      }
      throw failed;
    }
  }

  /** Every column of the table, the arrays in class order spread into columns named by class. */
  private static List<Column> spread(StructType schema, ClassList classes) {
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      if (ClassColumns.inClassOrder(field)) {
        columns.addAll(ClassColumns.spread(field, classes));
      } else {
        columns.add(col("`" + field.name() + "`"));
      }
    }
    return columns;
  }

  /**
   * A class column may not take an existing column's name (a class named like another's suffix).
   */
  private static void requireDistinctNames(String[] columns, String input) {
    Set<String> seen = new HashSet<>();
    for (String column : columns) {
      if (!seen.add(column)) {
        throw new UserError(
            "the class columns of "
                + input
                + " would write the column "
                + column
                + " twice: pass "
                + ARRAYS
                + " to write the arrays as JSON arrays");
      }
    }
  }

  /**
   * The class list a table's arrays follow: the one in its soft_label's metadata (label tables, a
   * label store's), else the classes of the summary.json in the folder holding it (aggregate's
   * annotators/, annotate's annotators/, generate's images/, a night's changes/date=D/images/).
   */
  static Optional<ClassList> classes(HadoopPaths paths, String input, StructType schema) {
    Optional<ClassList> recorded = LabelColumns.classes(schema);
    if (recorded.isPresent()) {
      return recorded;
    }
    Path folder = HadoopPaths.path(paths.qualified(input)).getParent();
    if (folder == null) {
      return Optional.empty();
    }
    String summary = HadoopPaths.child(folder.toString(), SUMMARY);
    if (!paths.exists(summary)) {
      return Optional.empty();
    }
    List<String> names = Json.read(paths.readText(summary), Summary.class).classes();
    return names == null ? Optional.empty() : Optional.of(new ClassList(names));
  }

  /** The one field of a summary.json read here. */
  private record Summary(@JsonProperty("classes") List<String> classes) {}

  private static String names(List<StructField> fields) {
    return String.join(", ", fields.stream().map(StructField::name).toList());
  }
}
