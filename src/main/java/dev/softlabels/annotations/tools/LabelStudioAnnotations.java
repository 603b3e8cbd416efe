package dev.softlabels.annotations.tools;

import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.config.UserError;
import dev.softlabels.spark.HadoopPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Label Studio JSON export (a JSON array of tasks, or tasks one per line as JSON lines; one file,
 * or a folder of them) to canonical rows, one per annotation: image id from the task's {@code
 * data.<image-key>}, annotator from {@code completed_by} (a user id, or the {@code id} of a user
 * object as some versions write it), label from the one {@code choices} result's one choice. A
 * cancelled (skipped) annotation is quarantined as skipped_by_annotator. Predictions and drafts are
 * a model's or unfinished work, not votes, and are not read.
 *
 * <p>Only single-choice classification is read. An export with any other result (a bounding box, a
 * polygon, a text area), with two choice questions in one annotation, or with an annotation
 * choosing several classes is refused whole, naming the first such task: it is another kind of
 * project, and reading only the parts that look like votes would make labels from a misread export.
 */
public final class LabelStudioAnnotations {

  private static final String CORRUPT = "_corrupt_record";
  private static final String TASK = "task";
  private static final String ANNOTATION = "annotation";
  private static final String CHOICES = "choices";

  /** Any JSON value read as a string keeps its JSON text: completed_by's object, data's numbers. */
  private static final StructType RESULT =
      new StructType()
          .add("type", DataTypes.StringType)
          .add(
              "value",
              new StructType().add(CHOICES, DataTypes.createArrayType(DataTypes.StringType)));

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.StringType)
          .add("data", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(
              "annotations",
              DataTypes.createArrayType(
                  new StructType()
                      .add("completed_by", DataTypes.StringType)
                      .add("was_cancelled", DataTypes.BooleanType)
                      .add("result", DataTypes.createArrayType(RESULT))))
          .add(CORRUPT, DataTypes.StringType);

  private LabelStudioAnnotations() {}

  public static Dataset<Row> read(SparkSession spark, AnnotationSource source, String path) {
    Dataset<Row> tasks = readTasks(spark, path);
    refuseBrokenFile(tasks);
    Dataset<Row> annotations =
        AnnotationReader.withFileOrder(tasks)
            .select(
                col("id").as(TASK),
                col("data").getItem(source.exportFields().labelStudioImageKey()).as(IMAGE),
                explode(col("annotations")).as(ANNOTATION),
                col(AnnotationReader.FILE_ORDER));
    refuseOtherThanSingleChoice(annotations);
    Column cancelled = col(ANNOTATION + ".was_cancelled").equalTo(true);
    Column completedBy = col(ANNOTATION + ".completed_by");
    return annotations.select(
        col(IMAGE),
        when(completedBy.startsWith("{"), get_json_object(completedBy, "$.id"))
            .otherwise(completedBy)
            .as(ANNOTATOR),
        when(cancelled.or(size(results()).notEqual(1)), lit(null))
            .otherwise(results().getItem(0).getField("value").getField(CHOICES).getItem(0))
            .as(LABEL),
        lit(null).cast(DataTypes.StringType).as(AnnotationReader.RAW_RECORD),
        when(cancelled, lit(QuarantineReason.SKIPPED_BY_ANNOTATOR.code()))
            .as(AnnotationReader.TOOL_REASON),
        col(AnnotationReader.FILE_ORDER));
  }

  /**
   * Up to {@code limit} of the keys, in name order, under the data of the tasks at {@code path}
   * that lack {@code imageKey}: where their image is, when the project named it otherwise.
   */
  public static List<String> dataKeys(SparkSession spark, String path, String imageKey, int limit) {
    return readTasks(spark, HadoopPaths.of(spark).forSpark(path))
        .filter(col("data").getItem(imageKey).isNull())
        .select(explode(map_keys(col("data"))).as("key"))
        .distinct()
        .orderBy("key")
        .limit(limit)
        .as(Encoders.STRING())
        .collectAsList();
  }

  /**
   * Every task of every file: a JSON array read as one document, a file of tasks one per line (JSON
   * lines) line by line. Spark's whole-file JSON reader would take only the first task of the
   * latter, so each file's first character decides how it is read.
   */
  private static Dataset<Row> readTasks(SparkSession spark, String path) {
    HadoopPaths paths = HadoopPaths.of(spark);
    Map<Boolean, List<String>> byLayout =
        Arrays.stream(spark.read().text(path).inputFiles())
            .collect(Collectors.partitioningBy(file -> startsWithObject(paths, file)));
    return Stream.of(
            tasks(spark, byLayout.get(false), true), tasks(spark, byLayout.get(true), false))
        .flatMap(Optional::stream)
        .reduce(Dataset::union)
        .orElseGet(() -> spark.createDataFrame(List.of(), SCHEMA));
  }

  private static Optional<Dataset<Row>> tasks(
      SparkSession spark, List<String> files, boolean wholeFile) {
    return files.isEmpty()
        ? Optional.empty()
        : Optional.of(
            spark
                .read()
                .schema(SCHEMA)
                .option("multiLine", wholeFile)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT)
                .json(files.toArray(String[]::new)));
  }

  /**
   * Whether the file's first character after any byte order mark and white space opens an object (a
   * task).
   */
  private static boolean startsWithObject(HadoopPaths paths, String file) {
    try (InputStream in = paths.openDecompressed(file)) {
      int b = in.read();
      while (b != -1 && (Character.isWhitespace(b) || b == 0xEF || b == 0xBB || b == 0xBF)) {
        b = in.read();
      }
      return b == '{';
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Column results() {
    return col(ANNOTATION + ".result");
  }

  /**
   * A file that is not JSON gives one corrupt record and no tasks, a broken line of a JSON-lines
   * file one corrupt record: refused, not read as empty or short.
   */
  private static void refuseBrokenFile(Dataset<Row> tasks) {
    List<Row> broken =
        tasks
            .filter(col(CORRUPT).isNotNull())
            .select(col("id"), input_file_name())
            .limit(1)
            .collectAsList();
    if (!broken.isEmpty()) {
      throw new UserError(
          broken.get(0).getString(1)
              + " is not a Label Studio JSON export: it is not valid JSON "
              + "(a JSON array of tasks, or one task per line)");
    }
  }

  private static void refuseOtherThanSingleChoice(Dataset<Row> annotations) {
    Column otherTypes = filter(results(), result -> result.getField("type").notEqual(CHOICES));
    Column mostChoices =
        array_max(transform(results(), result -> size(result.getField("value").getField(CHOICES))));
    List<Row> refused =
        annotations
            .filter(size(otherTypes).gt(0).or(size(results()).gt(1)).or(mostChoices.gt(1)))
            .select(col(TASK), otherTypes.getItem(0).getField("type"), size(results()), mostChoices)
            .limit(1)
            .collectAsList();
    if (refused.isEmpty()) {
      return;
    }
    Row task = refused.get(0);
    String what =
        !task.isNullAt(1)
            ? "a '" + task.getString(1) + "' result"
            : task.getInt(2) > 1
                ? task.getInt(2) + " choice questions in one annotation"
                : "an annotation choosing " + task.getInt(3) + " classes";
    throw new UserError(
        "Label Studio task "
            + task.getString(0)
            + " has "
            + what
            + ": only single-choice image classification (one <Choices> with choice=\"single\") can be read");
  }
}
