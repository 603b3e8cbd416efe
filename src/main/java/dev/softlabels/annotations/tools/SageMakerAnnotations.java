package dev.softlabels.annotations.tools;

import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.ExportFields;
import dev.softlabels.config.UserError;
import dev.softlabels.spark.HadoopPaths;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A SageMaker Ground Truth image-classification job's output folder (the job's folder under its S3
 * output path) to canonical rows, one per worker's answer: the consolidated label in the output
 * manifest is one label per image, so the votes are read from the worker responses, {@code
 * annotations/worker-response/iteration-<i>/<object>/<time>.json}, each an {@code answers} array of
 * {@code workerId} and {@code answerContent.<label-key>.label}, the label key being the template's
 * classifier name ({@code crowd-image-classifier} in the built-in template). The image id is the
 * {@code source-ref} of the object's line in {@code manifests/output/output.manifest} (the object
 * number is its 0-based line). An answer for an object the manifest lacks keeps a null image id, so
 * it is quarantined as missing_image_id rather than lost; a response file that is not JSON is one
 * unparsable row on its object's image.
 *
 * <p>file_order is the iteration, so a later iteration's vote by the same worker is the duplicate.
 * Answers of another template (a bounding box, a multi-select classifier) are refused whole, naming
 * the first: only single-choice image classification can be read.
 */
public final class SageMakerAnnotations {

  public static final String MANIFEST = "manifests/output/output.manifest";
  public static final String WORKER_RESPONSES = "annotations/worker-response";
  private static final String CLASSIFIER = "crowd-image-classifier";
  private static final String OBJECT = "data_object";
  private static final String ANSWER = "answer";
  private static final String FILE = "file";

  private static final String CORRUPT = "_corrupt_record";
  private static final StructType ANSWER_TYPE =
      new StructType()
          .add("workerId", DataTypes.StringType)
          .add(
              "answerContent", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
  private static final StructType RESPONSE =
      new StructType()
          .add("answers", DataTypes.createArrayType(ANSWER_TYPE))
          .add(CORRUPT, DataTypes.StringType);
  private static final StructType MANIFEST_LINE =
      new StructType().add("source-ref", DataTypes.StringType);
  private static final StructType NUMBERED_LINE =
      new StructType()
          .add(OBJECT, DataTypes.LongType, false)
          .add("line", DataTypes.StringType, true);

  private SageMakerAnnotations() {}

  public static Dataset<Row> read(SparkSession spark, AnnotationSource source, String path) {
    String manifest = HadoopPaths.child(path, MANIFEST);
    String responses = HadoopPaths.child(path, WORKER_RESPONSES);
    HadoopPaths paths = HadoopPaths.of(spark);
    if (!paths.exists(manifest) || !paths.exists(responses)) {
      throw new UserError(
          path
              + " is not a SageMaker Ground Truth job's output folder: it needs "
              + MANIFEST
              + " and "
              + WORKER_RESPONSES
              + "/"
              + jobFolder(path)
                  .map(job -> "; give the job's folder, " + job + ", as the input")
                  .orElse(""));
    }
    String labelKey = source.exportFields().sageMakerLabelKey();
    // Worker responses are named by time (10:12:31.json).
    Dataset<Row> answers =
        HadoopPaths.rawLocal(spark.read())
            .schema(RESPONSE)
            .option("multiLine", true)
            .option("recursiveFileLookup", true)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .json(responses)
            .select(
                input_file_name().as(FILE),
                regexp_extract(input_file_name(), "/([0-9]+)/[^/]+$", 1)
                    .cast(DataTypes.LongType)
                    .as(OBJECT),
                regexp_extract(input_file_name(), "/iteration-([0-9]+)/", 1)
                    .cast(DataTypes.IntegerType)
                    .as(AnnotationReader.FILE_ORDER),
                col(CORRUPT),
                // A response that is not JSON has no answers to explode: it stays one row, to be
                // quarantined.
                explode(
                        when(col(CORRUPT).isNotNull(), array(lit(null).cast(ANSWER_TYPE)))
                            .otherwise(col("answers")))
                    .as(ANSWER));
    refuseOtherTemplates(answers, labelKey);
    Column content = col(ANSWER + ".answerContent");
    return answers
        .join(sourceRefs(spark, manifest), OBJECT, "left")
        .select(
            col(IMAGE),
            col(ANSWER + ".workerId").as(ANNOTATOR),
            get_json_object(content.getItem(labelKey), "$.label").as(LABEL),
            col(CORRUPT).as(AnnotationReader.RAW_RECORD),
            lit(null).cast(DataTypes.StringType).as(AnnotationReader.TOOL_REASON),
            col(AnnotationReader.FILE_ORDER));
  }

  /**
   * Each manifest line's object number (its 0-based line) and source-ref. The worker responses name
   * an object by nothing but that number, so the pairing holds only if every line up to the last
   * object is an object: a blank or broken line there is refused, since whether the job counted it
   * cannot be known, and guessing would pair every later object's votes with the wrong image. Blank
   * lines after the last object shift nothing.
   */
  private static Dataset<Row> sourceRefs(SparkSession spark, String manifest) {
    JavaRDD<Row> numbered =
        spark
            .read()
            .textFile(manifest)
            .javaRDD()
            .zipWithIndex()
            .map(line -> RowFactory.create(line._2(), line._1()));
    Dataset<Row> objects =
        spark
            .createDataFrame(numbered, NUMBERED_LINE)
            .select(
                col(OBJECT),
                col("line"),
                from_json(col("line"), MANIFEST_LINE).getField("source-ref").as(IMAGE));
    Row bounds =
        objects
            .agg(
                min(when(col(IMAGE).isNull(), col(OBJECT))),
                max(when(trim(col("line")).notEqual(""), col(OBJECT))))
            .first();
    if (!bounds.isNullAt(0) && !bounds.isNullAt(1) && bounds.getLong(0) < bounds.getLong(1)) {
      long bad = bounds.getLong(0);
      String line = objects.filter(col(OBJECT).equalTo(bad)).select("line").first().getString(0);
      throw new UserError(
          "line "
              + (bad + 1)
              + " of "
              + manifest
              + (line.isBlank() ? " is blank" : " is not a JSON object with a source-ref")
              + ": the worker responses name objects by their manifest "
              + "line, so the votes of every object after it cannot be paired with their image");
    }
    return objects.select(col(OBJECT), col(IMAGE));
  }

  /**
   * The job's folder of an output manifest at its place in the job's output
   * (manifests/output/output.manifest).
   */
  public static Optional<String> jobFolder(String manifest) {
    String normalized = manifest.replace('\\', '/');
    return normalized.endsWith("/" + MANIFEST)
        ? Optional.of(manifest.substring(0, normalized.length() - MANIFEST.length() - 1))
        : Optional.empty();
  }

  /**
   * Answers under another key than the label key: another task type (a bounding box, a multi-select
   * classifier), or a custom template's classifier under its own name, which --label-col names.
   */
  private static void refuseOtherTemplates(Dataset<Row> answers, String labelKey) {
    Column keys = array_join(map_keys(col(ANSWER + ".answerContent")), ", ");
    List<Row> refused =
        answers.filter(keys.notEqual(labelKey)).select(col(FILE), keys).limit(1).collectAsList();
    if (!refused.isEmpty()) {
      String found = refused.get(0).getString(1);
      throw new UserError(
          refused.get(0).getString(0)
              + " holds a '"
              + found
              + "' answer, not '"
              + labelKey
              + "' ("
              + ExportFields.SAGEMAKER_LABEL_KEY
              + "): for a <"
              + CLASSIFIER
              + " name=\""
              + found
              + "\"> template pass "
              + "--label-col "
              + found
              + "; only single-choice image classification ("
              + CLASSIFIER
              + ") can be read");
    }
  }
}
