package dev.softlabels.evaluate;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.DataSpec;
import dev.softlabels.dataset.ImageTable;
import dev.softlabels.train.Checkpoints;

/** Typed, validated {@code softlabels.evaluate}, with the data read like the train job's. */
public record EvaluateSettings(
    DataSpec data,
    String modelDir,
    String checkpoint,
    String splitName,
    String output,
    boolean overwrite,
    int inferenceBatch) {

  public EvaluateSettings {
    if (modelDir.isBlank()) {
      throw new UserError(
          "no model directory given: pass --model-dir DIR (or set softlabels.evaluate.model-dir)");
    }
    if (output.isBlank()) {
      throw new UserError("no output given: pass --output DIR (or set softlabels.evaluate.output)");
    }
    Checkpoints.requireName(checkpoint, "softlabels.evaluate.checkpoint");
    ImageTable.requirePartName(splitName, "softlabels.evaluate.split-name");
  }

  public static EvaluateSettings from(Config config) {
    Config evaluate = config.getConfig("softlabels.evaluate");
    return from(
        config,
        DataSpec.forScoring(config, "softlabels.evaluate"),
        evaluate.getString("model-dir"),
        evaluate.getString("output"),
        evaluate.getBoolean("overwrite"));
  }

  /**
   * Evaluation of the data, model and output an orchestrator chose, with the configuration's
   * checkpoint, split name and inference batch.
   */
  public static EvaluateSettings from(
      Config config, DataSpec data, String modelDir, String output, boolean overwrite) {
    Config evaluate = config.getConfig("softlabels.evaluate");
    return new EvaluateSettings(
        data,
        modelDir,
        evaluate.getString("checkpoint"),
        evaluate.getString("split-name"),
        output,
        overwrite,
        config.getInt("softlabels.train.inference-batch"));
  }

  public EvaluateSettings withCheckpoint(String checkpoint) {
    return new EvaluateSettings(
        data, modelDir, checkpoint, splitName, output, overwrite, inferenceBatch);
  }

  public EvaluateSettings withSplitName(String splitName) {
    return new EvaluateSettings(
        data, modelDir, checkpoint, splitName, output, overwrite, inferenceBatch);
  }
}
