package dev.softlabels.evaluate;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import dev.softlabels.train.DataSpec;
import dev.softlabels.train.Checkpoints;
import dev.softlabels.train.ImageTable;

/** Typed, validated {@code softlabels.evaluate}, with the data read like the train job's. */
public record EvaluateSettings(DataSpec data, String modelDir, String checkpoint, String splitName, String output,
    boolean overwrite, int inferenceBatch) {

  public EvaluateSettings {
    if (modelDir.isBlank()) {
      throw new UserError("no model directory given: pass --model-dir DIR (or set softlabels.evaluate.model-dir)");
    }
    if (output.isBlank()) {
      throw new UserError("no output given: pass --output DIR (or set softlabels.evaluate.output)");
    }
    Checkpoints.requireName(checkpoint, "softlabels.evaluate.checkpoint");
    ImageTable.requirePartName(splitName, "softlabels.evaluate.split-name");
  }

  public static EvaluateSettings from(Config config) {
    Config train = config.getConfig("softlabels.train");
    Config evaluate = config.getConfig("softlabels.evaluate");
    return new EvaluateSettings(DataSpec.forScoring(config, "softlabels.evaluate"), evaluate.getString("model-dir"), evaluate.getString("checkpoint"),
        evaluate.getString("split-name"), evaluate.getString("output"), evaluate.getBoolean("overwrite"),
        train.getInt("inference-batch"));
  }
}
