package dev.softlabels.cli;

import dev.softlabels.evaluate.EvaluateJob;
import dev.softlabels.evaluate.EvaluateSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Score a split with a trained model against the soft ground truth.",
      "Score a split with a trained model (distributed inference) and compute macro accuracy, KL(truth ||",
      "prediction) with 1e-5 clipping, accuracy, macro F1, ECE (10 bins), Brier score and NLL against the",
      "soft ground truth. Writes DIR/predictions/, DIR/metrics.json and DIR/calibration.json (the",
      "confidence bins of the ECE)."
    })
final class EvaluateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--model-dir",
      paramLabel = "DIR",
      description = "The train job's model directory.")
  String modelDir;

  @Mixin DataOptions data;

  @Mixin ScoringOptions scoring;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.evaluate.model-dir", modelDir);
    data.addTo(options, "softlabels.evaluate");
    scoring.addTo(options, "softlabels.evaluate");
    return ConfigOptions.run(
        spec,
        config.load(options),
        EvaluateSettings::from,
        (spark, effective, settings) ->
            spec.commandLine()
                .getOut()
                .println(
                    "evaluate: "
                        + EvaluateJob.format(EvaluateJob.run(spark, settings))
                        + " -> "
                        + settings.output()));
  }
}
