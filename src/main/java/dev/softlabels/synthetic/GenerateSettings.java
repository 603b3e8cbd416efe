package dev.softlabels.synthetic;

import static dev.softlabels.config.UserError.require;

import com.typesafe.config.Config;
import java.util.List;

/** Typed, validated {@code softlabels.generate}. */
public record GenerateSettings(
    long images,
    int size,
    long seed,
    int splits,
    double trainFraction,
    double validationFraction,
    double pureShare,
    double ellipseAxisRatio,
    double minRadius,
    double maxRadius,
    int partitions,
    String output,
    String exportPng,
    boolean overwrite)
    implements java.io.Serializable {

  public GenerateSettings {
    require(images > 0, "softlabels.generate.images must be positive, got " + images);
    require(
        size >= 8 && size <= 1024,
        "softlabels.generate.size must be in [8, 1024] pixels, got " + size);
    require(
        splits >= 1 && splits <= 20,
        "softlabels.generate.splits must be in [1, 20], got " + splits);
    require(
        trainFraction > 0 && validationFraction >= 0 && trainFraction + validationFraction < 1,
        "softlabels.generate.split-fractions must be train > 0, validation >= 0, summing below 1 "
            + "(the rest is test), got "
            + trainFraction
            + ", "
            + validationFraction);
    require(
        pureShare >= 0 && pureShare <= 1,
        "softlabels.generate.pure-share must be in [0, 1], got " + pureShare);
    require(
        ellipseAxisRatio > 0 && ellipseAxisRatio < 1,
        "softlabels.generate.ellipse-axis-ratio must be in (0, 1), got " + ellipseAxisRatio);
    require(
        minRadius > 0 && minRadius <= maxRadius && maxRadius <= 0.5,
        "softlabels.generate.radius must be [min, max] with 0 < min <= max <= 0.5, got ["
            + minRadius
            + ", "
            + maxRadius
            + "]");
    require(
        partitions >= 0,
        "softlabels.generate.partitions must be >= 0 (0 = automatic), got " + partitions);
    require(
        !output.isBlank(),
        "no output given: pass --output DIR (or set softlabels.generate.output)");
  }

  public static GenerateSettings from(Config config) {
    Config c = config.getConfig("softlabels.generate");
    return from(config, c.getInt("splits"), c.getString("output"), c.getBoolean("overwrite"));
  }

  /**
   * A dataset of the splits and output an orchestrator chose, drawn as softlabels.generate says.
   */
  public static GenerateSettings from(Config config, int splits, String output, boolean overwrite) {
    Config c = config.getConfig("softlabels.generate");
    List<Double> fractions = c.getDoubleList("split-fractions");
    List<Double> radius = c.getDoubleList("radius");
    require(
        fractions.size() == 3,
        "softlabels.generate.split-fractions needs [train, validation, test]");
    require(radius.size() == 2, "softlabels.generate.radius needs [min, max]");
    require(
        Math.abs(fractions.stream().mapToDouble(Double::doubleValue).sum() - 1) < 1e-9,
        "softlabels.generate.split-fractions must sum to 1, got " + fractions);
    return new GenerateSettings(
        c.getLong("images"),
        c.getInt("size"),
        c.getLong("seed"),
        splits,
        fractions.get(0),
        fractions.get(1),
        c.getDouble("pure-share"),
        c.getDouble("ellipse-axis-ratio"),
        radius.get(0),
        radius.get(1),
        c.getInt("partitions"),
        output,
        c.getString("export-png"),
        overwrite);
  }
}
