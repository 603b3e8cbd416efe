package dev.softlabels.dataset;

import static org.apache.spark.sql.functions.col;

import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.HadoopPaths;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images joined to their labels, with the training target of the chosen label type, kept encoded
 * (cached) and decoded on the executors into minibatches.
 */
public final class TrainingData {

  public static final String TARGET = "target";
  private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

  private TrainingData() {}

  /** The input shape and class count every partition agrees on. */
  public record Shape(int channels, int height, int width, int classes) implements Serializable {}

  /**
   * @param examples cached rows of (image_id, image_bytes, split, soft_label, hard_label, target)
   * @param classNames the class names the label table records for its soft_label entries, in
   *     class-index order (empty when it records none)
   */
  public record Prepared(Dataset<Row> examples, Shape shape, List<String> classNames) {
    public Dataset<Row> split(String name) {
      return examples.filter(col(ImageTable.SPLIT).equalTo(name));
    }
  }

  public static Prepared prepare(SparkSession spark, DataSpec settings) {
    HadoopPaths.of(spark).requireExists(settings.labels(), "labels");
    Dataset<Row> images = ImageTable.read(spark, settings);
    Dataset<Row> stored = spark.read().parquet(settings.labels());
    List<String> classNames =
        LabelColumns.classes(stored.schema()).map(ClassList::names).orElse(List.of());
    Dataset<Row> table =
        stored.select(
            col(LabelColumns.IMAGE), col(LabelColumns.SOFT_LABEL), col(LabelColumns.HARD_LABEL));
    Dataset<Row> labels = LabelIds.mapped(table, settings.labelIds(), settings.labels());
    Dataset<Row> joined = images.join(labels, LabelColumns.IMAGE);
    Row first =
        joined
            .select(col(ImageTable.BYTES), col(LabelColumns.SOFT_LABEL), col(LabelColumns.IMAGE))
            .limit(1)
            .collectAsList()
            .stream()
            .findFirst()
            .orElseThrow(() -> noJoin(spark, images, table, settings));
    var image = ImageDecoding.image((byte[]) first.get(0), first.getString(2));
    Shape shape =
        new Shape(
            ImageDecoding.CHANNELS, image.getHeight(), image.getWidth(), first.getList(1).size());
    // One partition per task slot: a directory of small image files arrives in hundreds of tiny
    // partitions, which would mean undersized minibatches and a model rebuild per partition.
    Dataset<Row> examples =
        joined
            .withColumn(TARGET, target(settings.labelType(), shape.classes()))
            .repartition(Math.max(1, spark.sparkContext().defaultParallelism()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long imageCount = images.count();
    long labelled = examples.count();
    long labelRows = labels.count();
    LOG.info(
        "data: {} images, {} with labels ({} without are not used; {} label rows name no image); {}x{} px, "
            + "{} classes",
        imageCount,
        labelled,
        imageCount - labelled,
        labelRows - labelled,
        shape.width(),
        shape.height(),
        shape.classes());
    return new Prepared(examples, shape, classNames);
  }

  /**
   * Images and labels that share no id: one id of each side, where each comes from, and the setting
   * that maps them.
   */
  private static UserError noJoin(
      SparkSession spark, Dataset<Row> images, Dataset<Row> table, DataSpec settings) {
    LabelIdPattern pattern = settings.labelIds();
    String imageId =
        oneRow(images.select(col(LabelColumns.IMAGE))).map(row -> row.getString(0)).orElse("");
    // A label id and what the pattern makes of it, from one row.
    String labelIds =
        oneRow(
                table.select(
                    col(LabelColumns.IMAGE), LabelIds.imageId(col(LabelColumns.IMAGE), pattern)))
            .map(
                row ->
                    pattern.maps()
                        ? row.getString(0) + "' -> '" + row.getString(1)
                        : row.getString(0))
            .orElse("");
    String imageSource = ImageTable.idSource(spark, settings.images(), settings.imageIdPattern());
    String labelSource =
        pattern.maps()
            ? "its image_id column through " + LabelIdPattern.KEY + " '" + pattern.setting() + "'"
            : "its image_id column";
    String fix =
        pattern.maps()
            ? "change "
                + LabelIdPattern.FLAG
                + " ("
                + LabelIdPattern.KEY
                + ") or softlabels.train.image-id-pattern "
                + "so that both give the same ids"
            : "map the label ids with "
                + LabelIdPattern.FLAG
                + " "
                + LabelIdPattern.FILE_STEM
                + " (a path's or URL's file "
                + "name without extension) or a regular expression whose first group is the image id ("
                + LabelIdPattern.KEY
                + ")";
    return new UserError(
        "no image of "
            + settings.images()
            + " has a label in "
            + settings.labels()
            + " (joined on image_id): image ids look like '"
            + imageId
            + "' ("
            + imageSource
            + "), label ids like '"
            + labelIds
            + "' ("
            + labelSource
            + "); "
            + fix);
  }

  /** One row read, however large the table. */
  private static Optional<Row> oneRow(Dataset<Row> rows) {
    return rows.limit(1).collectAsList().stream().findFirst();
  }

  private static Column target(LabelType type, int classes) {
    return switch (type) {
      case SOFT, POSTERIOR -> col(LabelColumns.SOFT_LABEL);
      case HARD -> LabelColumns.oneHot(col(LabelColumns.HARD_LABEL), classes);
    };
  }

  /** Minibatches of at most batchSize examples, decoded where the rows live. */
  public static JavaRDD<DataSet> batches(Dataset<Row> rows, Shape shape, int batchSize) {
    return rows.select(col(LabelColumns.IMAGE), col(ImageTable.BYTES), col(TARGET))
        .javaRDD()
        .mapPartitions(
            partition -> {
              List<DataSet> out = new ArrayList<>();
              List<Row> batch = new ArrayList<>(batchSize);
              while (partition.hasNext()) {
                batch.add(partition.next());
                if (batch.size() == batchSize || !partition.hasNext()) {
                  out.add(dataSet(batch, shape));
                  batch.clear();
                }
              }
              return out.iterator();
            });
  }

  private static DataSet dataSet(List<Row> rows, Shape shape) {
    int plane = shape.channels() * shape.height() * shape.width();
    float[] features = new float[rows.size() * plane];
    float[] targets = new float[rows.size() * shape.classes()];
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      ImageDecoding.chw(
          (byte[]) row.get(1),
          row.getString(0),
          shape.height(),
          shape.width(),
          features,
          i * plane);
      List<Double> target = row.getList(2);
      for (int k = 0; k < shape.classes(); k++) {
        targets[i * shape.classes() + k] = target.get(k).floatValue();
      }
    }
    return new DataSet(
        Nd4j.create(
            features,
            new long[] {rows.size(), shape.channels(), shape.height(), shape.width()},
            DataType.FLOAT),
        Nd4j.create(targets, new long[] {rows.size(), shape.classes()}, DataType.FLOAT));
  }

  /** Features of a list of rows (image_id, bytes, ...) as one [n, C, H, W] batch. */
  public static float[] features(Iterator<Row> rows, List<String> ids, Shape shape, int max) {
    int plane = shape.channels() * shape.height() * shape.width();
    List<float[]> parts = new ArrayList<>();
    while (rows.hasNext() && ids.size() < max) {
      Row row = rows.next();
      float[] one = new float[plane];
      ImageDecoding.chw(
          (byte[]) row.get(1), row.getString(0), shape.height(), shape.width(), one, 0);
      parts.add(one);
      ids.add(row.getString(0));
    }
    float[] all = new float[parts.size() * plane];
    for (int i = 0; i < parts.size(); i++) {
      System.arraycopy(parts.get(i), 0, all, i * plane, plane);
    }
    return all;
  }
}
