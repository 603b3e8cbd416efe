package dev.softlabels.reproduce;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.Config;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.backbone.BackboneJob;
import dev.softlabels.backbone.BackboneSettings;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.embed.EmbedJob;
import dev.softlabels.embed.EmbedSettings;
import dev.softlabels.evaluate.EvaluateJob;
import dev.softlabels.evaluate.EvaluateSettings;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.Metrics;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.synthetic.AnnotateJob;
import dev.softlabels.synthetic.AnnotateSettings;
import dev.softlabels.synthetic.GenerateJob;
import dev.softlabels.synthetic.GenerateSettings;
import dev.softlabels.synthetic.SyntheticClasses;
import dev.softlabels.train.TrainJob;
import dev.softlabels.train.TrainSettings;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's study in one job: the dataset (generated, or CIFAR-10H aggregated from its votes),
 * then for every seeded split and label type a trained model and its test-split metrics, then
 * report.md, report.html, results.csv and results.json over every dataset run into the same output.
 * Every step's output is kept; a re-run skips finished steps and cells and resumes training.
 */
public final class ReproduceJob {

  public static final String CELLS = "cells";
  public static final String EMBEDDING = "embedding";
  /** Under the output: the CIFAR-10 backbone every dataset's cells may start from. */
  public static final String BACKBONE = "backbone";
  /** Under a dataset's folder: how its cells were trained ({@link Regime}). */
  static final String REGIME = "regime.json";
  private static final String SCRATCH = "scratch";
  private static final Logger LOG = LoggerFactory.getLogger(ReproduceJob.class);

  private ReproduceJob() {}

  /** The parts of the embed job's embed.json the report uses. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record EmbedSummary(@JsonProperty("caption") String caption, @JsonProperty("plots") Map<String, String> plots,
      @JsonProperty("measures") Map<String, Map<String, Double>> measures) {}

  /**
   * Where a dataset's images and labels are.
   *
   * @param posteriorLabels per method, its labels of the same votes as trainLabels, for the cells that
   *     train on its posteriors
   */
  private record Inputs(String images, String trainLabels, Map<AggregationMethod, String> posteriorLabels,
      String truth, Map<String, Object> dataSettings) {
    String trainLabels(String labelType) {
      return ReproduceSettings.posteriorMethod(labelType).map(posteriorLabels::get).orElse(trainLabels);
    }
  }

  /**
   * How a dataset's cells were trained: {@code name} scratch or backbone, {@code description} the
   * report's sentence.
   */
  record Regime(@JsonProperty("name") String name, @JsonProperty("description") String description) {}

  public static List<CellResult> run(SparkSession spark, Config config, ReproduceSettings settings) {
    String root = HadoopPaths.child(settings.output(), settings.dataset());
    HadoopPaths paths = HadoopPaths.of(spark);
    Map<String, Object> start = new HashMap<>();
    boolean fromBackbone = settings.backbone().usedFor(settings.dataset());
    // Before the backbone: a refused run must not first spend half an hour training it.
    requireRegime(paths, root, fromBackbone ? BACKBONE : SCRATCH);
    Regime regime;
    if (fromBackbone) {
      String dir = HadoopPaths.child(settings.output(), BACKBONE);
      BackboneJob.Result backbone = BackboneJob.run(spark, config, BackboneSettings.from(ConfigLoader.withValues(
          config, Map.of("softlabels.backbone.shared-data", settings.sharedData(), "softlabels.backbone.model-dir", dir))));
      start.put("softlabels.train.init-from", HadoopPaths.child(dir, BackboneJob.MODEL));
      start.put("softlabels.train.frozen-epochs", settings.backbone().frozenEpochs());
      start.put("softlabels.train.optimizer.learning-rate", settings.backbone().learningRate());
      regime = new Regime(BACKBONE, String.format(Locale.ROOT, "fine-tuned from the CIFAR-10 backbone (%s, %d epochs "
              + "on the 50,000 CIFAR-10 training images with their single labels; CIFAR-10 test accuracy %.4f): %d "
              + "epoch(s) of the new output layer alone, then every layer, learning rate %s%s", backbone.network(),
          backbone.epochs(), backbone.testAccuracy(), settings.backbone().frozenEpochs(),
          settings.backbone().learningRate(), settings.dataset().equals("cifar10h")
              ? ". The backbone saw no CIFAR-10 test image (CIFAR-10H's images), so the test splits stay clean" : ""));
    } else {
      regime = new Regime(SCRATCH, "trained from random weights (" + config.getString("softlabels.train.network")
          + ")");
    }
    String regimeFile = HadoopPaths.child(root, REGIME);
    if (!paths.exists(regimeFile)) {
      paths.writeText(regimeFile, Json.write(regime));
    }
    PhaseLog phases = new PhaseLog(LOG, "reproduce", System.nanoTime());
    Inputs inputs = settings.dataset().equals("cifar10h") ? cifar10h(spark, config, settings, root)
        : synthetic(spark, config, settings, root);
    phases.done("%s data and labels ready", settings.dataset());
    int total = settings.splits() * settings.labelTypes().size();
    int done = 0;
    for (int split = 0; split < settings.splits(); split++) {
      for (String labelType : settings.labelTypes()) {
        done++;
        String cell = cell(root, split, labelType);
        String evaluation = HadoopPaths.child(cell, "evaluation");
        if (paths.exists(HadoopPaths.child(evaluation, EvaluateJob.METRICS))) {
          LOG.info("reproduce: cell {}/{} (split {}, {} labels) already done", done, total, split, labelType);
          continue;
        }
        LOG.info("reproduce: cell {}/{}: split {}, {} labels", done, total, split, labelType);
        Map<String, Object> cellSettings = new HashMap<>(inputs.dataSettings());
        cellSettings.putAll(start);
        cellSettings.put("softlabels.train.images", inputs.images());
        cellSettings.put("softlabels.train.labels", inputs.trainLabels(labelType));
        cellSettings.put("softlabels.train.label-type", ReproduceSettings.trainLabelType(labelType));
        cellSettings.put("softlabels.train.split", split);
        cellSettings.put("softlabels.train.model-dir", HadoopPaths.child(cell, "model"));
        Config trainConfig = ConfigLoader.withValues(config, cellSettings);
        TrainJob.run(spark, TrainSettings.from(trainConfig));

        Map<String, Object> evaluate = new HashMap<>();
        evaluate.put("softlabels.evaluate.images", inputs.images());
        evaluate.put("softlabels.evaluate.labels", inputs.truth());
        evaluate.put("softlabels.evaluate.split", split);
        evaluate.put("softlabels.evaluate.model-dir", HadoopPaths.child(cell, "model"));
        evaluate.put("softlabels.evaluate.output", evaluation);
        evaluate.put("softlabels.evaluate.overwrite", true);
        EvaluateJob.run(spark, EvaluateSettings.from(ConfigLoader.withValues(trainConfig, evaluate)));
        phases.done("cell %d/%d (split %d, %s labels) trained and evaluated", done, total, split, labelType);
      }
    }
    if (settings.embed()) {
      embed(spark, config, settings, root, inputs);
      phases.done("feature-space plots");
    }
    List<CellResult> cells = collect(spark, settings.output());
    writeReport(spark, settings, cells, featureSpaces(spark, settings.output()), regimes(spark, settings.output()));
    return cells;
  }

  /** Cells kept from an earlier run must have been trained the way this run trains its cells ({@code name}). */
  private static void requireRegime(HadoopPaths paths, String root, String name) {
    String file = HadoopPaths.child(root, REGIME);
    if (paths.exists(file) && !Json.read(paths.readText(file), Regime.class).name().equals(name)) {
      throw new UserError(root + " holds cells " + (name.equals(BACKBONE) ? "trained from random weights"
          : "fine-tuned from the backbone") + ": choose another --output, or the same regime (--backbone / "
          + "--no-backbone, softlabels.reproduce.backbone.use)");
    }
  }

  /** The embed job over split 0's models of every label type, unless it has run already. */
  private static void embed(SparkSession spark, Config config, ReproduceSettings settings, String root, Inputs inputs) {
    String output = HadoopPaths.child(root, EMBEDDING);
    if (HadoopPaths.of(spark).exists(HadoopPaths.child(output, EmbedJob.SUMMARY))) {
      LOG.info("reproduce: feature-space plots already drawn in {}", output);
      return;
    }
    Map<String, String> models = new LinkedHashMap<>();
    settings.labelTypes().forEach(type -> models.put(type, HadoopPaths.child(cell(root, 0, type), "model")));
    Map<String, Object> embed = new HashMap<>(inputs.dataSettings());
    embed.put("softlabels.embed.images", inputs.images());
    embed.put("softlabels.embed.labels", inputs.truth());
    embed.put("softlabels.embed.split", 0);
    embed.put("softlabels.embed.models", models);
    embed.put("softlabels.embed.output", output);
    embed.put("softlabels.embed.overwrite", true);
    LOG.info("reproduce: feature-space plots of split 0's models -> {}", output);
    EmbedJob.run(spark, EmbedSettings.from(ConfigLoader.withValues(config, embed)));
  }

  private static String cell(String root, int split, String labelType) {
    return HadoopPaths.child(HadoopPaths.child(HadoopPaths.child(root, CELLS), "split-" + split), labelType);
  }

  /** How each dataset run into the output was trained: dataset -> the regime's description. */
  static Map<String, String> regimes(SparkSession spark, String output) {
    HadoopPaths paths = HadoopPaths.of(spark);
    Map<String, String> regimes = new LinkedHashMap<>();
    for (String dataset : paths.directoryNames(output)) {
      String file = HadoopPaths.child(HadoopPaths.child(output, dataset), REGIME);
      if (paths.exists(file)) {
        regimes.put(dataset, Json.read(paths.readText(file), Regime.class).description());
      }
    }
    return regimes;
  }

  /** The feature-space plots of every dataset run into the output, with paths relative to it. */
  static List<FeatureSpace> featureSpaces(SparkSession spark, String output) {
    HadoopPaths paths = HadoopPaths.of(spark);
    List<FeatureSpace> spaces = new ArrayList<>();
    for (String dataset : paths.directoryNames(output)) {
      String summary = HadoopPaths.child(HadoopPaths.child(HadoopPaths.child(output, dataset), EMBEDDING),
          EmbedJob.SUMMARY);
      if (paths.exists(summary)) {
        EmbedSummary read = Json.read(paths.readText(summary), EmbedSummary.class);
        Map<String, String> plots = new LinkedHashMap<>();
        read.plots().keySet().forEach(name -> plots.put(name, dataset + "/" + EMBEDDING + "/" + name + ".png"));
        spaces.add(new FeatureSpace(dataset, read.caption(), plots, read.measures()));
      }
    }
    return spaces;
  }

  private static Inputs synthetic(SparkSession spark, Config config, ReproduceSettings settings, String root) {
    // The generator's class order: labels aggregated from simulated votes must index classes as the truth does.
    Map<String, Object> classes = Map.of("softlabels.classes", SyntheticClasses.CLASSES.names());
    HadoopPaths paths = HadoopPaths.of(spark);
    String data = HadoopPaths.child(root, "data");
    if (!paths.exists(HadoopPaths.child(data, GenerateJob.SUMMARY))) {
      GenerateJob.run(spark, GenerateSettings.from(ConfigLoader.withValues(config, Map.of(
          "softlabels.generate.splits", settings.splits(),
          "softlabels.generate.output", data,
          "softlabels.generate.overwrite", true))));
    }
    String truth = HadoopPaths.child(data, GenerateJob.LABELS);
    String trainLabels = truth;
    Map<AggregationMethod, String> posteriorLabels = new EnumMap<>(AggregationMethod.class);
    if (settings.annotate()) {
      String annotated = HadoopPaths.child(root, "annotated");
      if (!paths.exists(HadoopPaths.child(annotated, "summary.json"))) {
        AnnotateJob.run(spark, AnnotateSettings.from(ConfigLoader.withValues(config, Map.of(
            "softlabels.annotate.input", truth, "softlabels.annotate.output", annotated,
            "softlabels.annotate.overwrite", true))));
      }
      String annotations = HadoopPaths.child(annotated, AnnotateJob.ANNOTATIONS);
      trainLabels = aggregate(spark, config, annotations, HadoopPaths.child(root, "aggregated"), classes);
      for (String labelType : settings.labelTypes()) {
        ReproduceSettings.posteriorMethod(labelType).ifPresent(method -> {
          Map<String, Object> withMethod = new HashMap<>(classes);
          withMethod.put("softlabels.aggregate.method", method.configName());
          posteriorLabels.put(method, aggregate(spark, config, annotations,
              HadoopPaths.child(root, "aggregated-" + method.configName()), withMethod));
        });
      }
    }
    return new Inputs(HadoopPaths.child(data, GenerateJob.IMAGES), trainLabels, posteriorLabels, truth, classes);
  }

  private static Inputs cifar10h(SparkSession spark, Config config, ReproduceSettings settings, String root) {
    String votes = HadoopPaths.child(root, "votes");
    if (!HadoopPaths.of(spark).exists(HadoopPaths.child(votes, "_SUCCESS"))) {
      Cifar10hData.writeVotes(spark, settings.sharedData(), votes);
    }
    Map<String, Object> classes = Map.of("softlabels.classes", Cifar10hData.CLASSES);
    String labels = aggregate(spark, config, votes, HadoopPaths.child(root, "aggregated"), classes);
    String images = HadoopPaths.child(settings.sharedData(), Cifar10hData.IMAGES);
    HadoopPaths.of(spark).requireExists(images, "CIFAR-10 test images (softlabels.reproduce.shared-data)");
    Map<String, Object> data = new HashMap<>(classes);
    data.put("softlabels.train.image-id-pattern", Cifar10hData.IMAGE_ID_PATTERN.replace("\\\\", "\\"));
    return new Inputs(images, labels, Map.of(), labels, data);
  }

  private static String aggregate(SparkSession spark, Config config, String input, String output,
      Map<String, Object> extra) {
    if (!HadoopPaths.of(spark).exists(HadoopPaths.child(output, AggregateJob.SUMMARY))) {
      Map<String, Object> settings = new HashMap<>(extra);
      settings.put("softlabels.aggregate.input", input);
      settings.put("softlabels.aggregate.output", output);
      settings.put("softlabels.aggregate.overwrite", true);
      settings.put("softlabels.annotations.format", "parquet");
      settings.putIfAbsent("softlabels.aggregate.method", AggregationMethod.MAJORITY.configName());
      AggregateJob.run(spark, AggregateSettings.from(ConfigLoader.withValues(config, settings)));
    }
    return HadoopPaths.child(output, AggregateJob.LABELS);
  }

  /** Every finished cell under the output directory, of every dataset run into it. */
  static List<CellResult> collect(SparkSession spark, String output) {
    HadoopPaths paths = HadoopPaths.of(spark);
    List<CellResult> cells = new ArrayList<>();
    for (String dataset : paths.directoryNames(output)) {
      String cellsDir = HadoopPaths.child(HadoopPaths.child(output, dataset), CELLS);
      for (String split : paths.directoryNames(cellsDir)) {
        for (String labelType : paths.directoryNames(HadoopPaths.child(cellsDir, split))) {
          String metrics = HadoopPaths.child(HadoopPaths.child(HadoopPaths.child(HadoopPaths.child(cellsDir, split),
              labelType), "evaluation"), EvaluateJob.METRICS);
          if (paths.exists(metrics)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> values = Json.read(paths.readText(metrics), Map.class);
            Map<String, Double> numbers = new LinkedHashMap<>();
            Metrics.LARGER_IS_BETTER.keySet()
                .forEach(m -> numbers.put(m, ((Number) values.get(m)).doubleValue()));
            cells.add(new CellResult(dataset, Integer.parseInt(split.substring("split-".length())), labelType, numbers));
          }
        }
      }
    }
    return cells;
  }

  private static void writeReport(SparkSession spark, ReproduceSettings settings, List<CellResult> cells,
      List<FeatureSpace> featureSpaces, Map<String, String> regimes) {
    HadoopPaths paths = HadoopPaths.of(spark);
    String markdown = ReportRenderer.markdown(cells, featureSpaces, settings.preset(), regimes);
    paths.writeText(HadoopPaths.child(settings.output(), "report.md"), markdown);
    Map<String, byte[]> images = new LinkedHashMap<>();
    featureSpaces.forEach(space -> space.plots().values()
        .forEach(path -> images.put(path, paths.readBytes(HadoopPaths.child(settings.output(), path)))));
    paths.writeText(HadoopPaths.child(settings.output(), "report.html"), ReportRenderer.html(markdown, images));
    paths.writeText(HadoopPaths.child(settings.output(), "results.csv"), ReportRenderer.csv(cells));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("preset", settings.preset());
    json.put("summary", ReportRenderer.summarise(cells));
    json.put("cells", cells);
    paths.writeText(HadoopPaths.child(settings.output(), "results.json"), Json.write(json));
    LOG.info(String.format(Locale.ROOT, "reproduce: %d cells -> %s/report.md", cells.size(), settings.output()));
  }
}
