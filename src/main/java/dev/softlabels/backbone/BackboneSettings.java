package dev.softlabels.backbone;

import static dev.softlabels.config.UserError.require;

import com.typesafe.config.Config;

/**
 * Typed, validated {@code softlabels.backbone}: where CIFAR-10 is, where the backbone goes, and the
 * train preset that is its recipe.
 *
 * @param epochs the recipe's epochs, or 0 to keep the preset's
 */
public record BackboneSettings(
    String sharedData, String modelDir, String trainPreset, int epochs, double validationFraction) {

  public BackboneSettings {
    require(
        !modelDir.isBlank(),
        "no model directory given: pass --model-dir DIR (or set softlabels.backbone.model-dir)");
    require(
        !trainPreset.isBlank(),
        "softlabels.backbone.train-preset must name a softlabels.train.presets entry");
    require(epochs >= 0, "softlabels.backbone.epochs must be >= 0, got " + epochs);
    require(
        validationFraction > 0 && validationFraction < 1,
        "softlabels.backbone.validation-fraction must be between 0 and 1, got "
            + validationFraction);
  }

  public static BackboneSettings from(Config config) {
    return from(
        config,
        config.getString("softlabels.backbone.shared-data"),
        config.getString("softlabels.backbone.model-dir"));
  }

  /**
   * The recipe of {@code softlabels.backbone} with the data and model directory an orchestrator
   * chose.
   */
  public static BackboneSettings from(Config config, String sharedData, String modelDir) {
    Config b = config.getConfig("softlabels.backbone");
    return new BackboneSettings(
        sharedData,
        modelDir,
        b.getString("train-preset"),
        b.getInt("epochs"),
        b.getDouble("validation-fraction"));
  }
}
