package dev.softlabels.reproduce;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.softlabels.config.Choices;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.LabelType;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.train.EpochSelection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Typed, validated {@code softlabels.reproduce}. Its preset sets the jobs' keys through {@link
 * #preset}, so the study's sizes come from the jobs' own settings.
 */
public record ReproduceSettings(
    String preset,
    String dataset,
    String output,
    boolean annotate,
    boolean embed,
    int splits,
    List<String> labelTypes,
    String sharedData,
    Backbone backbone,
    EpochSelection selectBy,
    SweepGrid sweep) {

  /**
   * Whether the cells fine-tune from the CIFAR-10 backbone, and how.
   *
   * @param use auto (cifar10h only), true or false
   */
  public record Backbone(String use, int frozenEpochs, int warmupEpochs, double learningRate) {
    public Backbone {
      requireAutoOrBoolean(use, "softlabels.reproduce.backbone.use");
      if (frozenEpochs < 0 || warmupEpochs < 0 || learningRate <= 0) {
        throw new UserError(
            "softlabels.reproduce.backbone needs frozen-epochs >= 0, warmup-epochs >= 0 and learning-rate > 0");
      }
    }

    static Backbone from(Config reproduce) {
      Config b = reproduce.getConfig("backbone");
      return new Backbone(
          b.getString("use"),
          b.getInt("frozen-epochs"),
          b.getInt("warmup-epochs"),
          b.getDouble("learning-rate"));
    }

    /** Whether {@code dataset}'s cells start from the backbone. */
    public boolean usedFor(String dataset) {
      return use.equals("auto") ? dataset.equals("cifar10h") : Boolean.parseBoolean(use);
    }
  }

  /**
   * The learning-rate / epoch sweep ({@link Sweep}).
   *
   * @param use auto (where the cells fine-tune from the backbone), true or false
   * @param learningRates the candidates' learning rates
   * @param epochs the candidates' epochs; empty: the preset's
   */
  public record SweepGrid(String use, List<Double> learningRates, List<Integer> epochs) {
    public SweepGrid {
      requireAutoOrBoolean(use, "softlabels.reproduce.sweep.use");
      learningRates = List.copyOf(learningRates);
      epochs = List.copyOf(epochs);
      if (learningRates.isEmpty()
          || learningRates.stream().anyMatch(rate -> rate <= 0)
          || epochs.stream().anyMatch(e -> e < 1)) {
        throw new UserError(
            "softlabels.reproduce.sweep needs learning-rates > 0 (at least one) and epochs >= 1");
      }
    }

    static SweepGrid from(Config reproduce) {
      Config s = reproduce.getConfig("sweep");
      return new SweepGrid(
          s.getString("use"), s.getDoubleList("learning-rates"), s.getIntList("epochs"));
    }

    /** Whether the cells of a study that does ({@code fineTunes}) or does not fine-tune sweep. */
    public boolean usedFor(boolean fineTunes) {
      return use.equals("auto") ? fineTunes : Boolean.parseBoolean(use);
    }
  }

  private static void requireAutoOrBoolean(String value, String key) {
    if (!List.of("auto", "true", "false").contains(value)) {
      throw new UserError(key + " must be auto, true or false, got '" + value + "'");
    }
  }

  public ReproduceSettings {
    if (!List.of("synthetic", "cifar10h").contains(dataset)) {
      throw new UserError(
          "softlabels.reproduce.dataset must be synthetic or cifar10h, got '" + dataset + "'");
    }
    if (splits < 1 || labelTypes.isEmpty()) {
      throw new UserError("softlabels.reproduce needs at least one split and one label type");
    }
    if (dataset.equals("cifar10h") && splits < 3) {
      throw new UserError(
          "softlabels.reproduce.splits must be at least 3 for cifar10h, got "
              + splits
              + ": its splits are folds of the 10,000 images (each split tests on one, validates on"
              + " the next and trains on the rest)");
    }
    for (String type : labelTypes) {
      if (posteriorMethod(type).isEmpty()) {
        trainLabelType(type);
        continue;
      }
      if (dataset.equals("cifar10h")) {
        throw new UserError(
            "label type "
                + type
                + " (softlabels.reproduce.label-types) needs to know who gave each "
                + "vote, and CIFAR-10H publishes only counts per image: use it with the synthetic dataset and --annotate");
      }
      if (!annotate) {
        throw new UserError(
            "label type "
                + type
                + " (softlabels.reproduce.label-types) needs annotators: pass "
                + "--annotate (softlabels.reproduce.annotate) to train on simulated annotators' votes");
      }
    }
    if (output.isBlank()) {
      throw new UserError(
          "no output given: pass --output DIR (or set softlabels.reproduce.output)");
    }
  }

  /**
   * The aggregation whose posteriors a study's label type trains on: posterior names Dawid–Skene's,
   * and every method but the majority vote its own (dawid-skene, one-coin, glad, mace, wawa); hard
   * and soft none.
   */
  public static Optional<AggregationMethod> posteriorMethod(String labelType) {
    if (labelType.equals(Choices.name(LabelType.POSTERIOR))) {
      return Optional.of(AggregationMethod.DAWID_SKENE);
    }
    return Arrays.stream(AggregationMethod.values())
        .filter(method -> method.posterior() && method.configName().equals(labelType))
        .findFirst();
  }

  /** The train job's label type of a study's label type: posterior for a method's name. */
  public static String trainLabelType(String labelType) {
    if (posteriorMethod(labelType).isPresent()) {
      return Choices.name(LabelType.POSTERIOR);
    }
    return Arrays.stream(LabelType.values())
        .map(Choices::name)
        .filter(labelType::equals)
        .findFirst()
        .orElseThrow(
            () ->
                new UserError(
                    "softlabels.reproduce.label-types must be hard, soft, posterior or a "
                        + "method's name for its posteriors ("
                        + Arrays.stream(AggregationMethod.values())
                            .filter(AggregationMethod::posterior)
                            .map(AggregationMethod::configName)
                            .collect(Collectors.joining(", "))
                        + "); got '"
                        + labelType
                        + "'"));
  }

  /**
   * The CIFAR-10 backbone's image side: the synthetic images are drawn at it when the cells start
   * from it.
   */
  static final int BACKBONE_SIZE = 32;

  public static ReproduceSettings from(Config config) {
    Config r = config.getConfig("softlabels.reproduce");
    return new ReproduceSettings(
        r.getString("preset"),
        r.getString("dataset"),
        r.getString("output"),
        r.getBoolean("annotate"),
        r.getBoolean("embed"),
        r.getInt("splits"),
        r.getStringList("label-types"),
        r.getString("shared-data"),
        Backbone.from(r),
        Choices.parse(
            EpochSelection.class, r.getString("select-by"), "softlabels.reproduce.select-by"),
        SweepGrid.from(r));
  }

  /**
   * The study preset (softlabels.reproduce.preset) as the jobs' keys: a preset layer for {@link
   * ConfigLoader#load}, so an explicit softlabels.generate.images, softlabels.generate.size,
   * softlabels.train.epochs, softlabels.train.network, softlabels.train.preset or
   * softlabels.embed.iterations beats it.
   */
  public static Config preset(Config config) {
    String name = config.getString("softlabels.reproduce.preset");
    if (name.isBlank()) {
      throw new UserError(
          "softlabels.reproduce.preset must name a study preset; known: "
              + config.getConfig("softlabels.reproduce.presets").root().keySet());
    }
    Config p = ConfigLoader.named(config, "softlabels.reproduce");
    String dataset = config.getString("softlabels.reproduce.dataset");
    boolean cifar10h = dataset.equals("cifar10h");
    boolean backbone = Backbone.from(config.getConfig("softlabels.reproduce")).usedFor(dataset);
    return ConfigFactory.parseMap(
        Map.of(
            "softlabels.generate.images", p.getLong("images"),
            "softlabels.generate.size", backbone ? BACKBONE_SIZE : p.getInt("size"),
            "softlabels.train.epochs", p.getInt(cifar10h ? "cifar10h-epochs" : "epochs"),
            "softlabels.train.network", p.getString("network"),
            "softlabels.train.preset", p.getString("train-preset"),
            "softlabels.embed.iterations", p.getInt("embed-iterations")),
        "softlabels.reproduce.presets." + name);
  }
}
