package dev.softlabels.synthetic;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.truth.ConfusionColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated annotators for any label table with soft labels: writes {@code annotations/} in the
 * exact input schema of the aggregate job (image_id, annotator_id, label as a class name), {@code
 * annotators/} with each annotator's true noise, and {@code summary.json}.
 */
public final class AnnotateJob {

  public static final String ANNOTATIONS = "annotations";
  public static final String ANNOTATORS = "annotators";
  private static final Logger LOG = LoggerFactory.getLogger(AnnotateJob.class);

  private AnnotateJob() {}

  public static StructType annotationSchema() {
    return new StructType()
        .add(LabelColumns.IMAGE, DataTypes.StringType, false)
        .add(LabelColumns.ANNOTATOR, DataTypes.StringType, false)
        .add(LabelColumns.LABEL, DataTypes.StringType, false);
  }

  public static Map<String, Object> run(SparkSession spark, AnnotateSettings settings) {
    HadoopPaths.of(spark).requireExists(settings.input(), "input");
    try (StagedOutput output =
        StagedOutput.directory(
            spark,
            settings.output(),
            settings.overwrite(),
            "output",
            "annotate",
            List.of(settings.input()))) {
      Map<String, Object> summary = write(spark, settings, output);
      output.commit();
      return summary;
    }
  }

  private static Map<String, Object> write(
      SparkSession spark, AnnotateSettings settings, StagedOutput output) {
    long started = System.nanoTime();
    PhaseLog phases = new PhaseLog(LOG, "annotate", started);
    Dataset<Row> labels = spark.read().parquet(settings.input());
    if (!Arrays.asList(labels.columns())
        .containsAll(List.of(LabelColumns.IMAGE, LabelColumns.SOFT_LABEL))) {
      throw new UserError(
          "input "
              + settings.input()
              + " is not a label table: it needs image_id and soft_label, has "
              + Arrays.toString(labels.columns()));
    }
    int k = settings.classes().size();
    long mismatched = labels.filter(size(col(LabelColumns.SOFT_LABEL)).notEqual(k)).count();
    if (mismatched > 0) {
      throw new UserError(
          mismatched
              + " soft labels in "
              + settings.input()
              + " do not have "
              + k
              + " entries (one per class of softlabels.classes)");
    }

    AnnotatorPool pool = new AnnotatorPool(settings);
    Broadcast<AnnotatorPool> shared =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(pool);
    List<String> names = settings.classes().names();
    FlatMapFunction<Row, Row> vote =
        row -> {
          String image = row.getString(0);
          double[] soft =
              row.<Double>getList(1).stream().mapToDouble(Double::doubleValue).toArray();
          return shared.value().votes(image, soft).stream()
              .map(v -> RowFactory.create(image, v.annotatorId(), names.get(v.label())))
              .iterator();
        };
    String annotationsPath = output.child(ANNOTATIONS);
    LOG.info(
        "annotate: {} annotators, about {} votes per image -> {}",
        settings.pool(),
        settings.votesPerImage(),
        HadoopPaths.child(settings.output(), ANNOTATIONS));
    // The class order travels with the votes, so aggregating them without --classes keeps the
    // truth's order.
    LabelColumns.withClasses(
            labels
                .select(col(LabelColumns.IMAGE), col(LabelColumns.SOFT_LABEL))
                .flatMap(vote, Encoders.row(annotationSchema())),
            LabelColumns.LABEL,
            settings.classes())
        .write()
        .parquet(annotationsPath);
    phases.done("votes drawn and written");

    List<Row> annotatorRows = new ArrayList<>();
    Map<String, Long> types = new TreeMap<>();
    for (Annotator a : pool.annotators()) {
      annotatorRows.add(
          RowFactory.create(a.id(), a.type(), a.flipRate(), ConfusionColumn.value(a.confusion())));
      types.merge(a.type(), 1L, Long::sum);
    }
    StructType annotatorSchema =
        new StructType()
            .add(LabelColumns.ANNOTATOR, DataTypes.StringType, false)
            .add("type", DataTypes.StringType, false)
            .add("flip_rate", DataTypes.DoubleType, false)
            .add(ConfusionColumn.FIELD);
    spark
        .createDataFrame(annotatorRows, annotatorSchema)
        .coalesce(1)
        .write()
        .parquet(output.child(ANNOTATORS));
    shared.destroy();
    phases.done("%,d annotators written", annotatorRows.size());

    Dataset<Row> written = spark.read().parquet(annotationsPath);
    long rows = written.count();
    long images = labels.count();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("images", images);
    // The order of annotators/'s confusion rows and entries.
    summary.put("classes", names);
    summary.put("annotations", rows);
    summary.put("mean_votes_per_image", images == 0 ? 0.0 : (double) rows / images);
    summary.put("annotators", types);
    summary.put("seconds", (System.nanoTime() - started) / 1e9);
    HadoopPaths.of(spark).writeText(output.child("summary.json"), Json.write(summary));
    LOG.info(
        "annotate: {} annotation rows for {} images in {} s",
        rows,
        images,
        String.format(Locale.ROOT, "%.1f", summary.get("seconds")));
    return summary;
  }
}
