package dev.softlabels.synthetic;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.softlabels.config.Json;
import dev.softlabels.labels.ImageColumns;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopConfSnapshot;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.spark.StagedOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
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
 * The paper's synthetic dataset, rendered across executors: a distributed range of image indices,
 * each image drawn and encoded in {@code mapPartitions} from (seed, index) alone, so the content is
 * identical for any number of partitions or executors. Writes {@code images/} (Parquet with PNG
 * bytes, parameters, exact labels and splits), {@code labels/} (the ground truth in the aggregate
 * schema) and {@code summary.json}; optionally plain PNG files for people to look at.
 */
public final class GenerateJob {

  public static final String IMAGES = "images";
  public static final String LABELS = "labels";
  public static final String SUMMARY = "summary.json";
  public static final String KIND = "kind";
  private static final Logger LOG = LoggerFactory.getLogger(GenerateJob.class);

  private GenerateJob() {}

  public static StructType schema(int splits) {
    StructType schema =
        new StructType()
            .add(LabelColumns.IMAGE, DataTypes.StringType, false)
            .add("index", DataTypes.LongType, false)
            .add(ImageColumns.PNG, DataTypes.BinaryType, false)
            .add("height", DataTypes.IntegerType, false)
            .add("width", DataTypes.IntegerType, false)
            .add(KIND, DataTypes.StringType, false)
            .add("colour_from", DataTypes.StringType, false)
            .add("colour_to", DataTypes.StringType, false)
            .add("colour_weight", DataTypes.DoubleType, false)
            .add("ellipse_weight", DataTypes.DoubleType, false)
            .add("axis_ratio", DataTypes.DoubleType, false)
            .add("center_x", DataTypes.DoubleType, false)
            .add("center_y", DataTypes.DoubleType, false)
            .add("radius", DataTypes.DoubleType, false)
            .add("angle", DataTypes.DoubleType, false)
            .add("rgb", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add(
                LabelColumns.SOFT_LABEL,
                DataTypes.createArrayType(DataTypes.DoubleType, false),
                false)
            .add(LabelColumns.HARD_LABEL, DataTypes.IntegerType, false);
    for (int s = 0; s < splits; s++) {
      schema = schema.add(ImageColumns.splitColumn(s), DataTypes.StringType, false);
    }
    return schema;
  }

  /**
   * The images as rows of {@link #schema}: indices 0..n-1 split into partitions, drawn in
   * mapPartitions.
   */
  public static Dataset<Row> render(SparkSession spark, GenerateSettings settings, int partitions) {
    int digits = Math.max(6, Long.toString(settings.images() - 1).length());
    MapPartitionsFunction<Long, Row> draw =
        indices ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return indices.hasNext();
              }

              @Override
              public Row next() {
                return row(settings, indices.next(), digits);
              }
            };
    return spark
        .range(0, settings.images(), 1, partitions)
        .mapPartitions(draw, Encoders.row(schema(settings.splits())));
  }

  static Row row(GenerateSettings settings, long index, int digits) {
    Shape shape = ShapeSampler.sample(settings, index);
    byte[] png = ShapeRenderer.png(ShapeRenderer.render(shape, settings.size()));
    List<Object> values =
        new ArrayList<>(
            List.of(
                String.format(Locale.ROOT, "syn-%0" + digits + "d", index),
                index,
                png,
                settings.size(),
                settings.size(),
                shape.kind(),
                SyntheticClasses.COLOURS.get(shape.colourFrom()),
                SyntheticClasses.COLOURS.get(shape.colourTo()),
                shape.colourWeight(),
                shape.ellipseWeight(),
                shape.axisRatio(),
                shape.centerX(),
                shape.centerY(),
                shape.radius(),
                shape.angle(),
                boxed(shape.rgb()),
                boxed(shape.softLabel()),
                shape.hardLabel()));
    for (int s = 0; s < settings.splits(); s++) {
      values.add(ShapeSampler.split(settings, s, index));
    }
    return RowFactory.create(values.toArray());
  }

  public static Map<String, Object> run(SparkSession spark, GenerateSettings settings) {
    try (StagedOutput output =
        StagedOutput.directory(
            spark,
            settings.output(),
            settings.overwrite(),
            "output",
            "generate",
            List.of(settings.exportPng()))) {
      Map<String, Object> summary = write(spark, settings, output);
      output.commit();
      LOG.info(
          "generate: done in {} s", String.format(Locale.ROOT, "%.1f", summary.get("seconds")));
      return summary;
    }
  }

  private static Map<String, Object> write(
      SparkSession spark, GenerateSettings settings, StagedOutput output) {
    long started = System.nanoTime();
    PhaseLog phases = new PhaseLog(LOG, "generate", started);
    String imagesPath = output.child(IMAGES);
    String labelsPath = output.child(LABELS);
    int partitions =
        settings.partitions() > 0
            ? settings.partitions()
            : (int)
                Math.max(
                    1,
                    Math.min(
                        settings.images() / 500, 4L * spark.sparkContext().defaultParallelism()));

    LOG.info(
        "generate: rendering {} images of {}x{} px in {} partitions -> {}",
        settings.images(),
        settings.size(),
        settings.size(),
        partitions,
        HadoopPaths.child(settings.output(), IMAGES));
    render(spark, settings, partitions).write().parquet(imagesPath);
    phases.done("%,d images rendered and written", settings.images());

    Dataset<Row> images = spark.read().parquet(imagesPath);
    LOG.info(
        "generate: writing the ground-truth label table -> {}",
        HadoopPaths.child(settings.output(), LABELS));
    Dataset<Row> truth =
        images.select(
            col(LabelColumns.IMAGE),
            lit(0).as(LabelColumns.N_ANNOTATIONS),
            lit(null)
                .cast(DataTypes.createArrayType(DataTypes.IntegerType))
                .as(LabelColumns.COUNTS),
            col(LabelColumns.SOFT_LABEL));
    LabelColumns.fromSoftLabel(truth, SyntheticClasses.CLASSES).write().parquet(labelsPath);
    phases.done("label table written");

    if (!settings.exportPng().isBlank()) {
      LOG.info("generate: exporting PNG files -> {}", settings.exportPng());
      exportPng(spark, images, settings.exportPng(), settings.overwrite(), settings.output());
      phases.done("PNG files exported");
    }

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("images", images.count());
    summary.put("size", settings.size());
    summary.put("seed", settings.seed());
    // The order of images/' and labels/' soft_label entries.
    summary.put("classes", SyntheticClasses.CLASSES.names());
    summary.put("by_kind", tally(images, KIND));
    summary.put(
        "by_hard_label", tally(spark.read().parquet(labelsPath), LabelColumns.HARD_LABEL_NAME));
    Map<String, Object> splits = new TreeMap<>();
    for (int s = 0; s < settings.splits(); s++) {
      splits.put(ImageColumns.splitColumn(s), tally(images, ImageColumns.splitColumn(s)));
    }
    summary.put("splits", splits);
    summary.put("seconds", (System.nanoTime() - started) / 1e9);
    HadoopPaths.of(spark).writeText(output.child(SUMMARY), Json.write(summary));
    return summary;
  }

  /** Row counts per value of a low-cardinality column (kinds, classes, splits). */
  private static Map<String, Long> tally(Dataset<Row> rows, String column) {
    Map<String, Long> counts = new TreeMap<>();
    rows.groupBy(col(column))
        .count()
        .collectAsList()
        .forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    return counts;
  }

  /** Writes each image as DIR/image_id_kind_hardlabel.png from the executors. */
  private static void exportPng(
      SparkSession spark,
      Dataset<Row> images,
      String target,
      boolean overwrite,
      String datasetOutput) {
    try (StagedOutput staged =
        StagedOutput.directory(
            spark,
            target,
            overwrite,
            "--export-png directory",
            "generate --export-png",
            List.of(datasetOutput))) {
      writePng(spark, images, staged.path());
      staged.commit();
    }
  }

  private static void writePng(SparkSession spark, Dataset<Row> images, String directory) {
    HadoopConfSnapshot conf = new HadoopConfSnapshot(spark);
    ForeachPartitionFunction<Row> write =
        rows -> {
          // No .crc side files on the local file system: these are for people to browse. A file
          // system of its own: the cached one is the JVM's (a local executor's is the driver's),
          // and turning its checksums off would turn them off for every later write in the JVM.
          try (FileSystem fs =
              FileSystem.newInstance(new Path(directory).toUri(), conf.toConfiguration())) {
            fs.setWriteChecksum(false);
            writeAll(fs, directory, rows);
          }
        };
    images
        .select(
            col(LabelColumns.IMAGE), col(KIND), col(LabelColumns.HARD_LABEL), col(ImageColumns.PNG))
        .foreachPartition(write);
  }

  /** Each row's PNG as IMAGE_KIND_CLASS.png in {@code directory}. */
  private static void writeAll(FileSystem fs, String directory, java.util.Iterator<Row> rows) {
    List<String> names = SyntheticClasses.CLASSES.names();
    while (rows.hasNext()) {
      Row row = rows.next();
      String name =
          row.getString(0)
              + "_"
              + row.getString(1).replace('+', '-')
              + "_"
              + names.get(row.getInt(2))
              + ".png";
      try (OutputStream out = fs.create(new Path(directory, name), true)) {
        out.write((byte[]) row.get(3));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + name, e);
      }
    }
  }

  private static Integer[] boxed(int[] values) {
    return java.util.Arrays.stream(values).boxed().toArray(Integer[]::new);
  }

  private static Double[] boxed(double[] values) {
    return java.util.Arrays.stream(values).boxed().toArray(Double[]::new);
  }
}
