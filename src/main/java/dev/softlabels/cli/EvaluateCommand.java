package dev.softlabels.cli;

import com.typesafe.config.Config;
import dev.softlabels.evaluate.EvaluateJob;
import dev.softlabels.evaluate.EvaluateSettings;
import dev.softlabels.spark.Sessions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
        "Score a split with a trained model (distributed inference) and compute macro accuracy, KL(truth ||",
        "prediction) with 1e-5 clipping, accuracy, macro F1, ECE (10 bins), Brier score and NLL against the",
        "soft ground truth. Writes DIR/predictions/ and DIR/metrics.json."})
final class EvaluateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(names = "--model-dir", paramLabel = "DIR", description = "The train job's model directory.")
  String modelDir;

  @Option(names = "--images", paramLabel = "PATH", description = "Images, as for train.")
  String images;

  @Option(names = "--labels", paramLabel = "PATH", description = "The ground-truth label table.")
  String labels;

  @Option(names = "--split", paramLabel = "K", description = "Which seeded split (default 0).")
  Integer split;

  @Option(names = "--split-name", paramLabel = "NAME", description = "test (default), validation or train.")
  String splitName;

  @Option(names = "--checkpoint", paramLabel = "NAME", description = "best (default) or last.")
  String checkpoint;

  @Option(names = "--output", paramLabel = "DIR", description = "Output directory.")
  String output;

  @Option(names = "--overwrite", description = "Replace an existing output directory.")
  Boolean overwrite;

  @Override
  public Integer call() {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.evaluate.model-dir", modelDir);
    options.put("softlabels.train.images", images);
    options.put("softlabels.train.labels", labels);
    options.put("softlabels.train.split", split);
    options.put("softlabels.evaluate.split-name", splitName);
    options.put("softlabels.evaluate.checkpoint", checkpoint);
    options.put("softlabels.evaluate.output", output);
    options.put("softlabels.evaluate.overwrite", overwrite);
    Config effective = config.load(options);
    EvaluateSettings settings = EvaluateSettings.from(effective);
    try (SparkSession spark = Sessions.start(effective)) {
      spec.commandLine().getOut().println("evaluate: " + EvaluateJob.format(EvaluateJob.run(spark, settings))
          + " -> " + settings.output());
    }
    return 0;
  }
}
