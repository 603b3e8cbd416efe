package dev.softlabels.reproduce;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.Config;
import dev.softlabels.aggregate.AggregateJob;
import dev.softlabels.aggregate.AggregateSettings;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.InputFormat;
import dev.softlabels.backbone.BackboneJob;
import dev.softlabels.backbone.BackboneSettings;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.DataSpec;
import dev.softlabels.dataset.LabelType;
import dev.softlabels.embed.EmbedJob;
import dev.softlabels.embed.EmbedSettings;
import dev.softlabels.evaluate.EvaluateJob;
import dev.softlabels.evaluate.EvaluateSettings;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
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
  record EmbedSummary(
      @JsonProperty("caption") String caption,
      @JsonProperty("plots") Map<String, String> plots,
      @JsonProperty("measures") Map<String, Map<String, Double>> measures) {}

  /**
   * Where a dataset's images and labels are.
   *
   * @param posteriorLabels per method, its labels of the same votes as trainLabels, for the cells
   *     that train on its posteriors
   * @param imageIdPattern the dataset's own, if softlabels.train's does not fit it
   */
  private record Inputs(
      String images,
      String trainLabels,
      Map<AggregationMethod, String> posteriorLabels,
      String truth,
      ClassList classes,
      Optional<String> imageIdPattern) {
    String trainLabels(String labelType) {
      return ReproduceSettings.posteriorMethod(labelType)
          .map(posteriorLabels::get)
          .orElse(trainLabels);
    }

    /** The dataset's images with {@code labels}, split as softlabels.train splits. */
    DataSpec data(Config config, String labels, LabelType labelType, int split) {
      DataSpec data = DataSpec.of(config, images, labels, labelType, split);
      return imageIdPattern.map(data::withImageIdPattern).orElse(data);
    }
  }

  /**
   * How a dataset's cells were trained: {@code name} scratch or backbone, {@code description} the
   * report's sentence.
   */
  record Regime(
      @JsonProperty("name") String name, @JsonProperty("description") String description) {}

  public static List<CellResult> run(
      SparkSession spark, Config config, ReproduceSettings settings) {
    String root = HadoopPaths.child(settings.output(), settings.dataset());
    HadoopPaths paths = HadoopPaths.of(spark);
    UnaryOperator<TrainSettings> start = UnaryOperator.identity();
    boolean fromBackbone = settings.backbone().usedFor(settings.dataset());
    // Before the backbone: a refused run must not first spend half an hour training it.
    requireRegime(paths, root, fromBackbone ? BACKBONE : SCRATCH);
    Regime regime;
    if (fromBackbone) {
      String dir = HadoopPaths.child(settings.output(), BACKBONE);
      BackboneJob.Result backbone =
          BackboneJob.run(spark, config, BackboneSettings.from(config, settings.sharedData(), dir));
      start =
          train ->
              train
                  .withInitFrom(
                      HadoopPaths.child(dir, BackboneJob.MODEL), settings.backbone().frozenEpochs())
                  .withOptimizer(
                      train.optimizer().withLearningRate(settings.backbone().learningRate()));
      regime =
          new Regime(
              BACKBONE,
              String.format(
                  Locale.ROOT,
                  "fine-tuned from the CIFAR-10 backbone (%s, %d epochs "
                      + "on the 50,000 CIFAR-10 training images with their single labels; CIFAR-10 test accuracy %.4f): %d "
                      + "epoch(s) of the output layer alone (the backbone's own where the classes are "
                      + "CIFAR-10's, else a new one), then every layer, learning rate %s%s",
                  backbone.network(),
                  backbone.epochs(),
                  backbone.testAccuracy(),
                  settings.backbone().frozenEpochs(),
                  settings.backbone().learningRate(),
                  settings.dataset().equals("cifar10h")
                      ? ". The backbone saw no CIFAR-10 test image (CIFAR-10H's images), so the test splits stay clean"
                      : ""));
    } else {
      regime =
          new Regime(
              SCRATCH, "trained from random weights (" + TrainSettings.network(config) + ")");
    }
    String regimeFile = HadoopPaths.child(root, REGIME);
    if (!paths.exists(regimeFile)) {
      paths.writeText(regimeFile, Json.write(regime));
    }
    PhaseLog phases = new PhaseLog(LOG, "reproduce", System.nanoTime());
    Inputs inputs =
        settings.dataset().equals("cifar10h")
            ? cifar10h(spark, config, settings, root)
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
          LOG.info(
              "reproduce: cell {}/{} (split {}, {} labels) already done",
              done,
              total,
              split,
              labelType);
          continue;
        }
        LOG.info("reproduce: cell {}/{}: split {}, {} labels", done, total, split, labelType);
        String model = HadoopPaths.child(cell, "model");
        DataSpec data =
            inputs.data(
                config,
                inputs.trainLabels(labelType),
                LabelType.parse(
                    ReproduceSettings.trainLabelType(labelType),
                    "softlabels.reproduce.label-types"),
                split);
        TrainJob.run(spark, start.apply(TrainSettings.from(config, data, model)));
        EvaluateJob.run(
            spark,
            EvaluateSettings.from(
                config,
                data.forScoring(inputs.images(), inputs.truth(), split),
                model,
                evaluation,
                true));
        phases.done(
            "cell %d/%d (split %d, %s labels) trained and evaluated",
            done, total, split, labelType);
      }
    }
    if (settings.embed()) {
      embed(spark, config, settings, root, inputs);
      phases.done("feature-space plots");
    }
    List<CellResult> cells = collect(spark, settings.output());
    writeReport(
        spark,
        settings,
        cells,
        featureSpaces(spark, settings.output()),
        regimes(spark, settings.output()));
    return cells;
  }

  /**
   * Cells kept from an earlier run must have been trained the way this run trains its cells ({@code
   * name}).
   */
  private static void requireRegime(HadoopPaths paths, String root, String name) {
    String file = HadoopPaths.child(root, REGIME);
    if (paths.exists(file) && !Json.read(paths.readText(file), Regime.class).name().equals(name)) {
      throw new UserError(
          root
              + " holds cells "
              + (name.equals(BACKBONE)
                  ? "trained from random weights"
                  : "fine-tuned from the backbone")
              + ": choose another --output, or the same regime (--backbone / "
              + "--no-backbone, softlabels.reproduce.backbone.use)");
    }
  }

  /** The embed job over split 0's models of every label type, unless it has run already. */
  private static void embed(
      SparkSession spark, Config config, ReproduceSettings settings, String root, Inputs inputs) {
    String output = HadoopPaths.child(root, EMBEDDING);
    if (HadoopPaths.of(spark).exists(HadoopPaths.child(output, EmbedJob.SUMMARY))) {
      LOG.info("reproduce: feature-space plots already drawn in {}", output);
      return;
    }
    Map<String, String> models = new LinkedHashMap<>();
    settings
        .labelTypes()
        .forEach(type -> models.put(type, HadoopPaths.child(cell(root, 0, type), "model")));
    DataSpec data = inputs.data(config, inputs.truth(), LabelType.SOFT, 0);
    LOG.info("reproduce: feature-space plots of split 0's models -> {}", output);
    EmbedJob.run(
        spark,
        EmbedSettings.from(
            config, data, inputs.classes().names(), new TreeMap<>(models), output, true));
  }

  private static String cell(String root, int split, String labelType) {
    return HadoopPaths.child(
        HadoopPaths.child(HadoopPaths.child(root, CELLS), "split-" + split), labelType);
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
      String summary =
          HadoopPaths.child(
              HadoopPaths.child(HadoopPaths.child(output, dataset), EMBEDDING), EmbedJob.SUMMARY);
      if (paths.exists(summary)) {
        EmbedSummary read = Json.read(paths.readText(summary), EmbedSummary.class);
        Map<String, String> plots = new LinkedHashMap<>();
        read.plots()
            .keySet()
            .forEach(name -> plots.put(name, dataset + "/" + EMBEDDING + "/" + name + ".png"));
        spaces.add(new FeatureSpace(dataset, read.caption(), plots, read.measures()));
      }
    }
    return spaces;
  }

  private static Inputs synthetic(
      SparkSession spark, Config config, ReproduceSettings settings, String root) {
    // The generator's class order: labels aggregated from simulated votes must index classes as the
    // truth does.
    ClassList classes = SyntheticClasses.CLASSES;
    HadoopPaths paths = HadoopPaths.of(spark);
    String data = HadoopPaths.child(root, "data");
    if (!paths.exists(HadoopPaths.child(data, GenerateJob.SUMMARY))) {
      GenerateJob.run(spark, GenerateSettings.from(config, settings.splits(), data, true));
    }
    String truth = HadoopPaths.child(data, GenerateJob.LABELS);
    String trainLabels = truth;
    Map<AggregationMethod, String> posteriorLabels = new EnumMap<>(AggregationMethod.class);
    if (settings.annotate()) {
      String annotated = HadoopPaths.child(root, "annotated");
      if (!paths.exists(HadoopPaths.child(annotated, "summary.json"))) {
        AnnotateJob.run(spark, AnnotateSettings.from(config, truth, annotated, true));
      }
      String annotations = HadoopPaths.child(annotated, AnnotateJob.ANNOTATIONS);
      trainLabels =
          aggregate(
              spark,
              config,
              annotations,
              HadoopPaths.child(root, "aggregated"),
              classes,
              AggregationMethod.MAJORITY);
      for (String labelType : settings.labelTypes()) {
        ReproduceSettings.posteriorMethod(labelType)
            .ifPresent(
                method ->
                    posteriorLabels.put(
                        method,
                        aggregate(
                            spark,
                            config,
                            annotations,
                            HadoopPaths.child(root, "aggregated-" + method.configName()),
                            classes,
                            method)));
      }
    }
    return new Inputs(
        HadoopPaths.child(data, GenerateJob.IMAGES),
        trainLabels,
        posteriorLabels,
        truth,
        classes,
        Optional.empty());
  }

  private static Inputs cifar10h(
      SparkSession spark, Config config, ReproduceSettings settings, String root) {
    String votes = HadoopPaths.child(root, "votes");
    if (!HadoopPaths.of(spark).exists(HadoopPaths.child(votes, "_SUCCESS"))) {
      Cifar10hData.writeVotes(spark, settings.sharedData(), votes);
    }
    ClassList classes = new ClassList(Cifar10hData.CLASSES);
    String labels =
        aggregate(
            spark,
            config,
            votes,
            HadoopPaths.child(root, "aggregated"),
            classes,
            AggregationMethod.MAJORITY);
    String images = HadoopPaths.child(settings.sharedData(), Cifar10hData.IMAGES);
    HadoopPaths.of(spark)
        .requireExists(images, "CIFAR-10 test images (softlabels.reproduce.shared-data)");
    return new Inputs(
        images,
        labels,
        Map.of(),
        labels,
        classes,
        Optional.of(Cifar10hData.IMAGE_ID_PATTERN.replace("\\\\", "\\")));
  }

  /**
   * The Parquet votes at {@code input} aggregated into {@code output} with {@code method}, unless
   * they were.
   */
  private static String aggregate(
      SparkSession spark,
      Config config,
      String input,
      String output,
      ClassList classes,
      AggregationMethod method) {
    if (!HadoopPaths.of(spark).exists(HadoopPaths.child(output, AggregateJob.SUMMARY))) {
      AnnotationSource source =
          AnnotationSource.from(config)
              .withFormat(InputFormat.PARQUET)
              .withClasses(classes.names());
      AggregateJob.run(
          spark, AggregateSettings.majority(config, source, input, output).withMethod(method));
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
          String metrics =
              HadoopPaths.child(
                  HadoopPaths.child(
                      HadoopPaths.child(HadoopPaths.child(cellsDir, split), labelType),
                      "evaluation"),
                  EvaluateJob.METRICS);
          if (paths.exists(metrics)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> values = Json.read(paths.readText(metrics), Map.class);
            Map<String, Double> numbers = new LinkedHashMap<>();
            Metrics.LARGER_IS_BETTER
                .keySet()
                .forEach(m -> numbers.put(m, ((Number) values.get(m)).doubleValue()));
            cells.add(
                new CellResult(
                    dataset,
                    Integer.parseInt(split.substring("split-".length())),
                    labelType,
                    numbers));
          }
        }
      }
    }
    return cells;
  }

  private static void writeReport(
      SparkSession spark,
      ReproduceSettings settings,
      List<CellResult> cells,
      List<FeatureSpace> featureSpaces,
      Map<String, String> regimes) {
    HadoopPaths paths = HadoopPaths.of(spark);
    String markdown = ReportRenderer.markdown(cells, featureSpaces, settings.preset(), regimes);
    paths.writeText(HadoopPaths.child(settings.output(), "report.md"), markdown);
    Map<String, byte[]> images = new LinkedHashMap<>();
    featureSpaces.forEach(
        space ->
            space
                .plots()
                .values()
                .forEach(
                    path ->
                        images.put(
                            path, paths.readBytes(HadoopPaths.child(settings.output(), path)))));
    paths.writeText(
        HadoopPaths.child(settings.output(), "report.html"), ReportRenderer.html(markdown, images));
    paths.writeText(HadoopPaths.child(settings.output(), "results.csv"), ReportRenderer.csv(cells));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("preset", settings.preset());
    json.put("summary", ReportRenderer.summarise(cells));
    json.put("soft_minus_hard", ReportRenderer.pairedDifferences(cells));
    json.put("cells", cells);
    paths.writeText(HadoopPaths.child(settings.output(), "results.json"), Json.write(json));
    LOG.info(
        String.format(
            Locale.ROOT, "reproduce: %d cells -> %s/report.md", cells.size(), settings.output()));
  }
}
