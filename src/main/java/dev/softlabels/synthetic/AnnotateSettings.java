package dev.softlabels.synthetic;

import static dev.softlabels.config.UserError.require;

import com.typesafe.config.Config;
import dev.softlabels.labels.ClassList;
import java.io.Serializable;
import java.util.List;

/** Typed, validated {@code softlabels.annotate}. */
public record AnnotateSettings(
    String input,
    String output,
    boolean overwrite,
    long seed,
    double votesPerImage,
    boolean fixedVotes,
    int pool,
    double minFlipRate,
    double maxFlipRate,
    double spammerShare,
    double swapperShare,
    double swapRate,
    double minImageDifficulty,
    double maxImageDifficulty,
    double minMissRate,
    double maxMissRate,
    ClassList classes)
    implements Serializable {

  public AnnotateSettings {
    require(
        !input.isBlank(), "no input given: pass --input LABELS (or set softlabels.annotate.input)");
    require(
        !output.isBlank(),
        "no output given: pass --output DIR (or set softlabels.annotate.output)");
    require(
        votesPerImage >= 1,
        "softlabels.annotate.votes-per-image must be at least 1, got " + votesPerImage);
    require(pool >= 1, "softlabels.annotate.pool must be at least 1, got " + pool);
    require(
        !fixedVotes || votesPerImage <= pool,
        "softlabels.annotate.votes-per-image ("
            + votesPerImage
            + ") exceeds the pool of "
            + pool
            + " annotators: each image needs distinct annotators");
    require(
        votesPerImage == Math.rint(votesPerImage) || !fixedVotes,
        "softlabels.annotate.votes-per-image must be a whole number for fixed votes, got "
            + votesPerImage);
    require(
        0 <= minFlipRate && minFlipRate <= maxFlipRate && maxFlipRate <= 1,
        "softlabels.annotate.flip-rate must be [min, max] within [0, 1]");
    require(
        spammerShare >= 0 && swapperShare >= 0 && spammerShare + swapperShare <= 1,
        "softlabels.annotate.spammer-share + swapper-share must be within [0, 1]");
    require(swapRate >= 0 && swapRate <= 1, "softlabels.annotate.swap-rate must be within [0, 1]");
    require(
        0 <= minImageDifficulty
            && minImageDifficulty <= maxImageDifficulty
            && maxImageDifficulty <= 1,
        "softlabels.annotate.image-difficulty must be [min, max] within [0, 1]");
    require(
        0 <= minMissRate && minMissRate <= maxMissRate && maxMissRate <= 1,
        "softlabels.annotate.miss-rate must be [min, max] within [0, 1]");
  }

  public static AnnotateSettings from(Config config) {
    Config c = config.getConfig("softlabels.annotate");
    return from(config, c.getString("input"), c.getString("output"), c.getBoolean("overwrite"));
  }

  /**
   * Votes on the labels and into the output an orchestrator chose, drawn as softlabels.annotate
   * says.
   */
  public static AnnotateSettings from(
      Config config, String input, String output, boolean overwrite) {
    Config c = config.getConfig("softlabels.annotate");
    List<Double> flip = c.getDoubleList("flip-rate");
    require(flip.size() == 2, "softlabels.annotate.flip-rate needs [min, max]");
    List<Double> difficulty = c.getDoubleList("image-difficulty");
    require(difficulty.size() == 2, "softlabels.annotate.image-difficulty needs [min, max]");
    List<Double> miss = c.getDoubleList("miss-rate");
    require(miss.size() == 2, "softlabels.annotate.miss-rate needs [min, max]");
    String distribution = c.getString("votes-distribution");
    require(
        distribution.equals("fixed") || distribution.equals("poisson"),
        "softlabels.annotate.votes-distribution must be fixed or poisson, got '"
            + distribution
            + "'");
    return new AnnotateSettings(
        input,
        output,
        overwrite,
        c.getLong("seed"),
        c.getDouble("votes-per-image"),
        distribution.equals("fixed"),
        c.getInt("pool"),
        flip.get(0),
        flip.get(1),
        c.getDouble("spammer-share"),
        c.getDouble("swapper-share"),
        c.getDouble("swap-rate"),
        difficulty.get(0),
        difficulty.get(1),
        miss.get(0),
        miss.get(1),
        classes(config));
  }

  /**
   * The classes votes are drawn over: softlabels.classes when set, else the synthetic dataset's.
   */
  private static ClassList classes(Config config) {
    List<String> names = config.getStringList("softlabels.classes");
    return names.isEmpty() ? SyntheticClasses.CLASSES : new ClassList(names);
  }
}
