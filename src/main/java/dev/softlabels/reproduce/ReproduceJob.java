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
import dev.softlabels.evaluate.ReliabilityDiagram;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ConfidenceBins;
import dev.softlabels.labels.Metrics;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.synthetic.AnnotateJob;
import dev.softlabels.synthetic.AnnotateSettings;
import dev.softlabels.synthetic.GenerateJob;
import dev.softlabels.synthetic.GenerateSettings;
import dev.softlabels.synthetic.SyntheticClasses;
import dev.softlabels.train.Checkpoints;
import dev.softlabels.train.TrainJob;
import dev.softlabels.train.TrainSettings;
import dev.softlabels.train.TrainState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
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

  /**
   * The label type of the backbone's own scores on each split's test part, without fine-tuning: the
   * baseline the fine-tuned cells must beat, where the backbone's classes are the dataset's.
   */
  public static final String BASELINE = "backbone";

  /** Under a dataset's folder: how its cells were trained ({@link Regime}). */
  static final String REGIME = "regime.json";

  /** Under a dataset's folder: the sweep's runs ({@code sweep/}) and its result. */
  static final String SWEEP = "sweep";

  static final String SWEEP_RESULT = "sweep.json";

  /** Under a dataset's folder: the reliability diagram of split 0's models. */
  static final String RELIABILITY = "reliability.png";

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
      Optional<String> imageIdPattern,
      int folds) {
    String trainLabels(String labelType) {
      return ReproduceSettings.posteriorMethod(labelType)
          .map(posteriorLabels::get)
          .orElse(trainLabels);
    }

    /**
     * The dataset's images with {@code labels}, split as softlabels.train splits, or into the
     * dataset's folds.
     */
    DataSpec data(Config config, String labels, LabelType labelType, int split) {
      DataSpec data = DataSpec.of(config, images, labels, labelType, split);
      DataSpec folded = folds > 0 ? data.withFolds(folds) : data;
      return imageIdPattern.map(folded::withImageIdPattern).orElse(folded);
    }

    /** What a cell of {@code labelType} trains on. */
    DataSpec training(Config config, String labelType, int split) {
      return data(
          config,
          trainLabels(labelType),
          LabelType.parse(
              ReproduceSettings.trainLabelType(labelType), "softlabels.reproduce.label-types"),
          split);
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
    UnaryOperator<TrainSettings> start = train -> train.withSelectBy(settings.selectBy());
    boolean fromBackbone = settings.backbone().usedFor(settings.dataset());
    // Before the backbone: a refused run must not first spend half an hour training it.
    requireRegime(paths, root, fromBackbone ? BACKBONE : SCRATCH);
    Optional<BackboneJob.Result> backbone = Optional.empty();
    String backboneModel =
        HadoopPaths.child(HadoopPaths.child(settings.output(), BACKBONE), BackboneJob.MODEL);
    if (fromBackbone) {
      String dir = HadoopPaths.child(settings.output(), BACKBONE);
      backbone =
          Optional.of(
              BackboneJob.run(
                  spark, config, BackboneSettings.from(config, settings.sharedData(), dir)));
      ReproduceSettings.Backbone fineTuning = settings.backbone();
      UnaryOperator<TrainSettings> select = start;
      start =
          train ->
              select
                  .apply(train)
                  .withInitFrom(backboneModel, fineTuning.frozenEpochs())
                  .withWarmupEpochs(fineTuning.warmupEpochs())
                  .withOptimizer(train.optimizer().withLearningRate(fineTuning.learningRate()));
    }
    PhaseLog phases = new PhaseLog(LOG, "reproduce", System.nanoTime());
    Inputs inputs =
        settings.dataset().equals("cifar10h")
            ? cifar10h(spark, config, settings, root)
            : synthetic(spark, config, settings, root);
    phases.done("%s data and labels ready", settings.dataset());
    Optional<Sweep> sweep = Optional.empty();
    if (settings.sweep().usedFor(fromBackbone)) {
      sweep = Optional.of(sweep(spark, config, settings, root, inputs, start));
      Sweep.Candidate chosen = sweep.get().chosen();
      UnaryOperator<TrainSettings> base = start;
      start =
          train -> {
            TrainSettings tuned = base.apply(train);
            return tuned
                .withEpochs(chosen.epochs())
                .withOptimizer(tuned.optimizer().withLearningRate(chosen.learningRate()));
          };
      phases.done(
          "sweep: learning rate %s, %d epochs chosen on split 0's validation part",
          chosen.learningRate(), chosen.epochs());
    }
    String regimeFile = HadoopPaths.child(root, REGIME);
    if (!paths.exists(regimeFile)) {
      paths.writeText(regimeFile, Json.write(regime(config, settings, backbone, sweep)));
    }
    boolean baseline =
        backbone.isPresent()
            && new Checkpoints(spark, backboneModel)
                .state(Checkpoints.BEST)
                .map(state -> state.classes().equals(inputs.classes().names()))
                .orElse(false);
    int total = settings.splits() * settings.labelTypes().size();
    int done = 0;
    for (int split = 0; split < settings.splits(); split++) {
      if (baseline) {
        evaluate(spark, config, inputs, backboneModel, cell(root, split, BASELINE), split);
      }
      for (String labelType : settings.labelTypes()) {
        done++;
        String cell = cell(root, split, labelType);
        if (paths.exists(
            HadoopPaths.child(HadoopPaths.child(cell, "evaluation"), EvaluateJob.METRICS))) {
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
        if (split == 0 && sweep.isPresent() && !paths.exists(model)) {
          // The chosen candidate's split-0 run is this cell, trained already.
          paths.copy(sweepModel(root, sweep.get().chosen(), labelType), model);
        }
        TrainJob.run(
            spark,
            start.apply(
                TrainSettings.from(config, inputs.training(config, labelType, split), model)));
        evaluate(spark, config, inputs, model, cell, split);
        phases.done(
            "cell %d/%d (split %d, %s labels) trained and evaluated",
            done, total, split, labelType);
      }
    }
    if (settings.embed()) {
      embed(spark, config, settings, root, inputs);
      phases.done("feature-space plots");
    }
    reliabilityDiagram(spark, settings, root, baseline);
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
   * The model at {@code model} scored on split {@code split}'s test part against the dataset's
   * truth into {@code cell}/evaluation, unless it was.
   */
  private static void evaluate(
      SparkSession spark, Config config, Inputs inputs, String model, String cell, int split) {
    String evaluation = HadoopPaths.child(cell, "evaluation");
    if (HadoopPaths.of(spark).exists(HadoopPaths.child(evaluation, EvaluateJob.METRICS))) {
      return;
    }
    DataSpec truth = inputs.data(config, inputs.truth(), LabelType.SOFT, split);
    EvaluateJob.run(spark, EvaluateSettings.from(config, truth, model, evaluation, true));
  }

  /**
   * The sweep's result: read back, or every candidate trained for every label type on split 0 and
   * the best chosen on validation.
   */
  private static Sweep sweep(
      SparkSession spark,
      Config config,
      ReproduceSettings settings,
      String root,
      Inputs inputs,
      UnaryOperator<TrainSettings> start) {
    HadoopPaths paths = HadoopPaths.of(spark);
    String result = HadoopPaths.child(root, SWEEP_RESULT);
    if (paths.exists(result)) {
      return Json.read(paths.readText(result), Sweep.class);
    }
    List<Integer> epochs =
        settings.sweep().epochs().isEmpty()
            ? List.of(config.getInt("softlabels.train.epochs"))
            : settings.sweep().epochs();
    List<Sweep.Candidate> grid = Sweep.grid(settings.sweep().learningRates(), epochs);
    List<Sweep.Trial> trials = new ArrayList<>();
    for (Sweep.Candidate candidate : grid) {
      for (String labelType : settings.labelTypes()) {
        LOG.info(
            "reproduce: sweep {}/{}: learning rate {}, {} epochs, {} labels on split 0",
            trials.size() + 1,
            grid.size() * settings.labelTypes().size(),
            candidate.learningRate(),
            candidate.epochs(),
            labelType);
        TrainSettings base =
            start.apply(
                TrainSettings.from(
                    config,
                    inputs.training(config, labelType, 0),
                    sweepModel(root, candidate, labelType)));
        TrainState state =
            TrainJob.run(
                spark,
                base.withEpochs(candidate.epochs())
                    .withOptimizer(base.optimizer().withLearningRate(candidate.learningRate())));
        trials.add(Sweep.Trial.of(candidate, labelType, state));
      }
    }
    Sweep sweep = Sweep.of(settings.selectBy(), trials);
    paths.writeText(result, Json.write(sweep));
    return sweep;
  }

  private static String sweepModel(String root, Sweep.Candidate candidate, String labelType) {
    return HadoopPaths.child(
        HadoopPaths.child(
            HadoopPaths.child(HadoopPaths.child(root, SWEEP), candidate.directory()), labelType),
        "model");
  }

  /** How a dataset's cells are trained, as the report says it. */
  private static Regime regime(
      Config config,
      ReproduceSettings settings,
      Optional<BackboneJob.Result> backbone,
      Optional<Sweep> sweep) {
    String selection =
        "; each cell's model is its best epoch by "
            + settings.selectBy()
            + " on its split's validation part";
    String schedule =
        sweep
            .map(
                s ->
                    String.format(
                        Locale.ROOT,
                        "learning rate %s for %d epochs (the sweep's choice)",
                        s.chosen().learningRate(),
                        s.chosen().epochs()))
            .orElse(
                "learning rate "
                    + settings.backbone().learningRate()
                    + " for "
                    + config.getInt("softlabels.train.epochs")
                    + " epochs");
    if (backbone.isEmpty()) {
      return new Regime(
          SCRATCH,
          "trained from random weights ("
              + TrainSettings.network(config)
              + ")"
              + (sweep.isPresent() ? ", " + schedule : "")
              + selection);
    }
    BackboneJob.Result b = backbone.get();
    return new Regime(
        BACKBONE,
        String.format(
            Locale.ROOT,
            "fine-tuned from the CIFAR-10 backbone (%s, %d epochs "
                + "on the 50,000 CIFAR-10 training images with their single labels; CIFAR-10 test accuracy %.4f): %d "
                + "epoch(s) of the output layer alone (the backbone's own where the classes are "
                + "CIFAR-10's, else a new one), then every layer%s, %s%s%s",
            b.network(),
            b.epochs(),
            b.testAccuracy(),
            settings.backbone().frozenEpochs(),
            settings.backbone().warmupEpochs() > 0
                ? " (the rate ramped up over " + settings.backbone().warmupEpochs() + " epoch(s))"
                : "",
            schedule,
            selection,
            settings.dataset().equals("cifar10h")
                ? ". The backbone saw no CIFAR-10 test image (CIFAR-10H's images), so the test folds stay clean"
                : ""));
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

  /**
   * The reliability diagram of split 0's models (the backbone alone first, where scored) from their
   * evaluations' confidence bins, drawn again on every run: a cell finished later adds its curve.
   */
  private static void reliabilityDiagram(
      SparkSession spark, ReproduceSettings settings, String root, boolean baseline) {
    HadoopPaths paths = HadoopPaths.of(spark);
    List<String> models = new ArrayList<>();
    if (baseline) {
      models.add(BASELINE);
    }
    models.addAll(settings.labelTypes());
    Map<String, ConfidenceBins> bins = new LinkedHashMap<>();
    for (String model : models) {
      String evaluation = HadoopPaths.child(cell(root, 0, model), "evaluation");
      if (paths.exists(HadoopPaths.child(evaluation, EvaluateJob.CALIBRATION))) {
        bins.put(model, EvaluateJob.calibration(spark, evaluation));
      }
    }
    if (!bins.isEmpty()) {
      paths.writeBytes(
          HadoopPaths.child(root, RELIABILITY),
          ReliabilityDiagram.png(settings.dataset() + ": split 0's test part", bins));
    }
  }

  /** The reliability diagrams of the datasets run into the output: dataset -> report path. */
  static Map<String, String> reliabilityPlots(SparkSession spark, String output) {
    HadoopPaths paths = HadoopPaths.of(spark);
    Map<String, String> plots = new LinkedHashMap<>();
    for (String dataset : paths.directoryNames(output)) {
      if (paths.exists(HadoopPaths.child(HadoopPaths.child(output, dataset), RELIABILITY))) {
        plots.put(dataset, dataset + "/" + RELIABILITY);
      }
    }
    return plots;
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
    return perDataset(spark, output, REGIME, file -> Json.read(file, Regime.class).description());
  }

  /** The sweeps of the datasets run into the output that swept. */
  static Map<String, Sweep> sweeps(SparkSession spark, String output) {
    return perDataset(spark, output, SWEEP_RESULT, file -> Json.read(file, Sweep.class));
  }

  /**
   * Dataset -> what {@code read} makes of its file {@code name}, for the datasets that have one.
   */
  private static <T> Map<String, T> perDataset(
      SparkSession spark, String output, String name, Function<String, T> read) {
    HadoopPaths paths = HadoopPaths.of(spark);
    Map<String, T> found = new LinkedHashMap<>();
    for (String dataset : paths.directoryNames(output)) {
      String file = HadoopPaths.child(HadoopPaths.child(output, dataset), name);
      if (paths.exists(file)) {
        found.put(dataset, read.apply(paths.readText(file)));
      }
    }
    return found;
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
        Optional.empty(),
        0);
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
        Optional.of(Cifar10hData.IMAGE_ID_PATTERN.replace("\\\\", "\\")),
        settings.splits());
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
    Map<String, Sweep> sweeps = sweeps(spark, settings.output());
    Map<String, String> reliability = reliabilityPlots(spark, settings.output());
    String markdown =
        ReportRenderer.markdown(
            cells, featureSpaces, settings.preset(), regimes, sweeps, reliability);
    paths.writeText(HadoopPaths.child(settings.output(), "report.md"), markdown);
    List<String> pictures = new ArrayList<>();
    featureSpaces.forEach(space -> pictures.addAll(space.plots().values()));
    pictures.addAll(reliability.values());
    Map<String, byte[]> images = new LinkedHashMap<>();
    pictures.forEach(
        path -> images.put(path, paths.readBytes(HadoopPaths.child(settings.output(), path))));
    paths.writeText(
        HadoopPaths.child(settings.output(), "report.html"), ReportRenderer.html(markdown, images));
    paths.writeText(HadoopPaths.child(settings.output(), "results.csv"), ReportRenderer.csv(cells));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("preset", settings.preset());
    json.put("summary", ReportRenderer.summarise(cells));
    json.put("soft_minus_hard", ReportRenderer.pairedDifferences(cells));
    json.put("sweeps", sweeps);
    json.put("cells", cells);
    paths.writeText(HadoopPaths.child(settings.output(), "results.json"), Json.write(json));
    LOG.info(
        String.format(
            Locale.ROOT, "reproduce: %d cells -> %s/report.md", cells.size(), settings.output()));
  }
}
