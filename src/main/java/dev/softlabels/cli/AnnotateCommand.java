package dev.softlabels.cli;

import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.synthetic.AnnotateJob;
import dev.softlabels.synthetic.AnnotateSettings;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "annotate",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate annotators voting on a label table's images.",
      "Simulate annotators on any label table with soft labels (e.g. generate's DIR/labels): each vote",
      "samples a class from the image's soft label, then passes it through the annotator's own noise.",
      "Writes DIR/annotations/ (the aggregate job's input schema), DIR/annotators/ and DIR/summary.json."
    })
final class AnnotateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--input",
      paramLabel = "LABELS",
      description = "A label table (Parquet with image_id, soft_label).")
  String input;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Output directory, local or s3a://.")
  String output;

  @Option(
      names = "--votes",
      paramLabel = "N",
      description = "Votes per image: the Poisson mean, or exact with --fixed (default 15).")
  Double votes;

  @Option(
      names = "--fixed",
      description = "Exactly --votes votes per image instead of a Poisson number.")
  boolean fixed;

  @Option(names = "--pool", paramLabel = "N", description = "Annotators in the pool (default 50).")
  Integer pool;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      description = "Seed of the simulation (default 7).")
  Long seed;

  @Option(names = "--overwrite", description = "Replace an existing output directory.")
  Boolean overwrite;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.annotate.input", input);
    options.put("softlabels.annotate.output", output);
    options.put("softlabels.annotate.votes-per-image", votes);
    options.put("softlabels.annotate.votes-distribution", fixed ? "fixed" : null);
    options.put("softlabels.annotate.pool", pool);
    options.put("softlabels.annotate.seed", seed);
    options.put("softlabels.annotate.overwrite", overwrite);
    return ConfigOptions.run(
        spec,
        config.load(options),
        effective -> {
          AnnotateSettings settings = AnnotateSettings.from(effective);
          HadoopPaths.requireLocalExists(settings.input(), "input");
          return settings;
        },
        (spark, effective, settings) -> {
          Map<String, Object> summary = AnnotateJob.run(spark, settings);
          spec.commandLine()
              .getOut()
              .printf(
                  Locale.ROOT,
                  "annotate: %,d annotation rows for %,d images (%.1f per image), annotators %s, in %.1f s -> %s%n",
                  (Long) summary.get("annotations"),
                  (Long) summary.get("images"),
                  (Double) summary.get("mean_votes_per_image"),
                  summary.get("annotators"),
                  (Double) summary.get("seconds"),
                  settings.output());
        });
  }
}
