package dev.softlabels.cli;

import dev.softlabels.embed.EmbedJob;
import dev.softlabels.embed.EmbedSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Plot trained models' feature spaces with t-SNE.",
      "Extract trained models' global-average-pool features for a split (distributed), run t-SNE on a",
      "seeded sample of them and draw PNG scatter plots with one panel per model, coloured by the ground",
      "truth: by colour and by shape interpolation for the synthetic classes, by class mix otherwise.",
      "Writes DIR/features/<model>/, DIR/tsne/, DIR/<plot>.png and DIR/embed.json.",
      "Example: softlabels embed --model hard=out/m-hard --model soft=out/m-soft --images out/gen/images",
      "  --labels out/gen/labels --output out/embed"
    })
final class EmbedCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--model",
      paramLabel = "NAME=DIR",
      description =
          "A panel name and the train job's model directory. Repeatable; panels in name order.")
  Map<String, String> models;

  @Mixin DataOptions data;

  @Mixin ScoringOptions scoring;

  @Option(
      names = "--max-points",
      paramLabel = "N",
      description = "At most N images in the t-SNE (default 2000).")
  Integer maxPoints;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      description = "t-SNE iterations (default 1000; the paper 5000).")
  Integer iterations;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.embed.models", models);
    data.addTo(options, "softlabels.embed");
    scoring.addTo(options, "softlabels.embed");
    options.put("softlabels.embed.max-points", maxPoints);
    options.put("softlabels.embed.iterations", iterations);
    return ConfigOptions.run(
        spec,
        config.load(options),
        EmbedSettings::from,
        (spark, effective, settings) ->
            EmbedJob.run(spark, settings)
                .plots()
                .values()
                .forEach(plot -> spec.commandLine().getOut().println("embed: " + plot)));
  }
}
