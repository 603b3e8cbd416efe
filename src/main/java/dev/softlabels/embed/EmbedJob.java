package dev.softlabels.embed;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.TrainingData;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.LabelMath;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.train.Checkpoints;
import dev.softlabels.train.Inference;
import dev.softlabels.train.NeuralNet;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feature space of trained models, as the paper's Figures 1 and 2: each model's
 * global-average-pooling activations for one part of a split (distributed inference) in {@code
 * features/<model>/} (an ML vector column), reduced by MLlib's distributed PCA, then t-SNE of the
 * same seeded sample of them on the driver ({@code tsne/}), one PNG per colouring with a panel per
 * model, and {@code embed.json} with neighbourhood measures.
 */
public final class EmbedJob {

  public static final String FEATURES = "features";
  public static final String TSNE = "tsne";
  static final String PCA_FEATURES = "pca_features";
  public static final String SUMMARY = "embed.json";

  /** Neighbours per point for the neighbourhood measures. */
  static final int NEIGHBOURS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(EmbedJob.class);

  private EmbedJob() {}

  /**
   * @param plots colouring file name to the PNG's path
   * @param images images in the embedded part of the split
   * @param points images in the t-SNE sample
   * @param measures model name to its neighbourhood measures (in feature space and in the t-SNE
   *     map)
   */
  public record Result(
      Map<String, String> plots,
      long images,
      int points,
      Map<String, Map<String, Double>> measures) {}

  /** One model's t-SNE map of the sample. */
  private record Embedding(String model, double[][] coordinates) {}

  public static Result run(SparkSession spark, EmbedSettings settings) {
    PhaseLog phases = new PhaseLog(LOG, "embed", System.nanoTime());
    HadoopPaths paths = HadoopPaths.of(spark);
    Map<String, NeuralNet> networks = new LinkedHashMap<>();
    settings
        .models()
        .forEach(
            (name, dir) ->
                networks.put(name, new Checkpoints(spark, dir).require(settings.checkpoint())));
    List<String> inputs = new ArrayList<>(settings.models().values());
    inputs.addAll(List.of(settings.data().images(), settings.data().labels()));
    ClassList classList = settings.classes(spark.read().parquet(settings.data().labels()).schema());
    List<PointColours> colourings = EmbedSettings.colourings(settings.colouring(), classList);
    TrainingData.Prepared data = null;
    try (StagedOutput output =
        StagedOutput.directory(
            spark, settings.output(), settings.overwrite(), "output", "embed", inputs)) {
      data = TrainingData.prepare(spark, settings.data());
      Dataset<Row> rows = data.split(settings.splitName());
      long images = rows.count();
      // The same images for every model; bounded by max-points, so it may come to the driver.
      List<Row> sample =
          rows.select(col(LabelColumns.IMAGE), col(LabelColumns.SOFT_LABEL))
              .orderBy(
                  xxhash64(col(LabelColumns.IMAGE), lit(settings.seed())), col(LabelColumns.IMAGE))
              .limit(settings.maxPoints())
              .collectAsList();
      if (sample.size() < Tsne.MIN_POINTS) {
        throw new UserError(
            "split "
                + settings.data().split()
                + " has "
                + sample.size()
                + " "
                + settings.splitName()
                + " images; t-SNE needs at least "
                + Tsne.MIN_POINTS);
      }
      double[][] truth = sample.stream().map(r -> toDoubles(r.getList(1))).toArray(double[][]::new);
      int[] classes = Arrays.stream(truth).mapToInt(LabelMath::argmax).toArray();
      Dataset<Row> sampleIds =
          spark.createDataFrame(
              sample.stream().map(r -> RowFactory.create(r.getString(0))).toList(),
              new StructType().add(LabelColumns.IMAGE, DataTypes.StringType, false));
      LOG.info(
          "embed: {} {} images of split {}; t-SNE on a seeded sample of {} (max-points {})",
          images,
          settings.splitName(),
          settings.data().split(),
          sample.size(),
          settings.maxPoints());

      List<Embedding> embeddings = new ArrayList<>();
      String pcaNote = "";
      Map<String, Map<String, Double>> measures = new LinkedHashMap<>();
      for (Map.Entry<String, NeuralNet> model : networks.entrySet()) {
        String featuresPath = HadoopPaths.child(output.child(FEATURES), model.getKey());
        Dataset<Row> features =
            Inference.features(
                    spark, model.getValue(), rows, data.shape(), settings.inferenceBatch())
                .withColumn(FEATURES, functions.array_to_vector(col(FEATURES)))
                .persist(StorageLevel.MEMORY_AND_DISK());
        features.write().parquet(featuresPath);
        int width = features.select(FEATURES).first().<Vector>getAs(0).size();
        boolean reduce = settings.pcaComponents() > 0 && settings.pcaComponents() < width;
        if (reduce) {
          features =
              new PCA()
                  .setK(settings.pcaComponents())
                  .setInputCol(FEATURES)
                  .setOutputCol(PCA_FEATURES)
                  .fit(features)
                  .transform(features);
        }
        Map<String, double[][]> sampled =
            sampleFeatures(features, sampleIds, sample, reduce ? PCA_FEATURES : FEATURES);
        features.unpersist();
        double[][] raw = sampled.get(FEATURES);
        long started = System.nanoTime();
        double[][] map =
            Tsne.embed(
                reduce ? settled(sampled.get(PCA_FEATURES)) : raw,
                settings.perplexity(),
                settings.learningRate(),
                settings.iterations(),
                settings.seed());
        embeddings.add(new Embedding(model.getKey(), map));
        Map<String, Double> measured = new LinkedHashMap<>();
        measure(measured, "features", Tsne.nearestNeighbours(raw, NEIGHBOURS), classes, truth);
        measure(measured, "tsne", Tsne.nearestNeighbours(map, NEIGHBOURS), classes, truth);
        measures.put(model.getKey(), measured);
        LOG.info(
            String.format(
                Locale.ROOT,
                "embed: %s: %d-dimensional features%s, t-SNE %d iterations in %.1f s; %s",
                model.getKey(),
                width,
                reduce ? ", PCA to " + settings.pcaComponents() : "",
                settings.iterations(),
                (System.nanoTime() - started) / 1e9,
                measured));
        pcaNote =
            reduce
                ? String.format(
                    Locale.ROOT,
                    " (PCA to %d of %d dimensions first)",
                    settings.pcaComponents(),
                    width)
                : "";
      }
      writeCoordinates(spark, output.child(TSNE), sample, embeddings);
      phases.done("features and t-SNE maps of %d models", embeddings.size());

      String caption =
          String.format(
              Locale.ROOT,
              "t-SNE (perplexity %.0f, %d iterations) of the global-average-pool features%s of %,d of the %,d %s images"
                  + " of split %d (seeded sample, cap %,d)",
              Tsne.effectivePerplexity(settings.perplexity(), sample.size()),
              settings.iterations(),
              pcaNote,
              sample.size(),
              images,
              settings.splitName(),
              settings.data().split(),
              settings.maxPoints());
      Map<String, String> plots = new LinkedHashMap<>();
      for (PointColours colouring : colourings) {
        Color[] colours = Arrays.stream(truth).map(colouring::of).toArray(Color[]::new);
        List<ScatterPlots.Panel> panels =
            embeddings.stream()
                .map(e -> new ScatterPlots.Panel(e.model() + " labels", e.coordinates(), colours))
                .toList();
        String path = HadoopPaths.child(settings.output(), colouring.fileName() + ".png");
        paths.writeBytes(
            output.child(colouring.fileName() + ".png"),
            ScatterPlots.png(
                "Feature space by " + colouring.description(),
                caption,
                colouring.legend(classList),
                panels,
                settings.panelWidth(),
                settings.panelHeight()));
        plots.put(colouring.fileName(), path);
      }
      Result result = new Result(plots, images, sample.size(), measures);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("images", images);
      summary.put("points", sample.size());
      summary.put("caption", caption);
      summary.put("plots", plots);
      summary.put("neighbours", NEIGHBOURS);
      summary.put("measures", measures);
      paths.writeText(output.child(SUMMARY), Json.write(summary));
      output.commit();
      phases.done("plots %s", plots.values());
      return result;
    } finally {
      if (data != null) {
        data.examples().unpersist();
      }
    }
  }

  /**
   * The sample's raw and t-SNE input feature vectors by column, in sample order (a join of at most
   * max-points rows).
   */
  private static Map<String, double[][]> sampleFeatures(
      Dataset<Row> features, Dataset<Row> sampleIds, List<Row> sample, String input) {
    Map<String, Row> byId = new HashMap<>();
    features
        .join(broadcast(sampleIds), LabelColumns.IMAGE)
        .select(col(LabelColumns.IMAGE), col(FEATURES), col(input))
        .collectAsList()
        .forEach(r -> byId.put(r.getString(0), r));
    Map<String, double[][]> byColumn = new HashMap<>();
    byColumn.put(
        FEATURES,
        sample.stream()
            .map(r -> byId.get(r.getString(0)).<Vector>getAs(1).toArray())
            .toArray(double[][]::new));
    byColumn.put(
        input,
        sample.stream()
            .map(r -> byId.get(r.getString(0)).<Vector>getAs(2).toArray())
            .toArray(double[][]::new));
    return byColumn;
  }

  /**
   * PCA's covariance sums partial results in task completion order, so refits differ in the last
   * bits, and t-SNE's gradient descent would amplify that into a different map; nine decimals keep
   * the same model's map the same from run to run.
   */
  private static double[][] settled(double[][] values) {
    return Arrays.stream(values)
        .map(row -> Arrays.stream(row).map(v -> Math.rint(v * 1e9) / 1e9).toArray())
        .toArray(double[][]::new);
  }

  private static void measure(
      Map<String, Double> into, String space, int[][] neighbours, int[] classes, double[][] truth) {
    into.put(space + "_class_purity", Tsne.neighbourPurity(neighbours, classes));
    into.put(
        space + "_distribution_distance", Tsne.neighbourDistributionDistance(neighbours, truth));
  }

  private static void writeCoordinates(
      SparkSession spark, String directory, List<Row> sample, List<Embedding> embeddings) {
    List<Row> rows = new ArrayList<>();
    for (Embedding e : embeddings) {
      for (int i = 0; i < sample.size(); i++) {
        rows.add(
            RowFactory.create(
                e.model(),
                sample.get(i).getString(0),
                e.coordinates()[i][0],
                e.coordinates()[i][1],
                sample.get(i).getList(1).toArray(Double[]::new)));
      }
    }
    StructType schema =
        new StructType()
            .add("model", DataTypes.StringType, false)
            .add(LabelColumns.IMAGE, DataTypes.StringType, false)
            .add("x", DataTypes.DoubleType, false)
            .add("y", DataTypes.DoubleType, false)
            .add(
                LabelColumns.SOFT_LABEL,
                DataTypes.createArrayType(DataTypes.DoubleType, false),
                false);
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(directory);
  }

  private static double[] toDoubles(List<Object> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }
}
