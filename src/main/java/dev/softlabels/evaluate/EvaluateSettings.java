package dev.softlabels.evaluate;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import dev.softlabels.train.DataSpec;
import dev.softlabels.train.LabelType;
import java.util.List;

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
    if (!List.of("best", "last").contains(checkpoint)) {
      throw new UserError("softlabels.evaluate.checkpoint must be best or last, got '" + checkpoint + "'");
    }
    if (!List.of("train", "validation", "test").contains(splitName)) {
      throw new UserError("softlabels.evaluate.split-name must be train, validation or test, got '" + splitName + "'");
    }
  }

  public static EvaluateSettings from(Config config) {
    Config train = config.getConfig("softlabels.train");
    Config evaluate = config.getConfig("softlabels.evaluate");
    // Scoring compares against the soft ground truth whatever the model was trained on.
    DataSpec read = DataSpec.from(config);
    DataSpec data = new DataSpec(read.images(), read.labels(), LabelType.SOFT, read.split(), read.trainFraction(),
        read.validationFraction(), read.imageIdPattern());
    return new EvaluateSettings(data, evaluate.getString("model-dir"), evaluate.getString("checkpoint"),
        evaluate.getString("split-name"), evaluate.getString("output"), evaluate.getBoolean("overwrite"),
        train.getInt("inference-batch"));
  }
}
