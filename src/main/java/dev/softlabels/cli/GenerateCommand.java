package dev.softlabels.cli;

import dev.softlabels.synthetic.GenerateJob;
import dev.softlabels.synthetic.GenerateSettings;
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
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Render the paper's synthetic image dataset with exact soft labels.",
      "Rendered across executors: red/green/blue x circle/ellipse on black,",
      "pure classes and colour/shape interpolations with exact soft labels.",
      "Writes DIR/images/ (Parquet: PNG bytes, parameters, labels, split_0..), DIR/labels/ (ground truth",
      "in the aggregate schema) and DIR/summary.json."
    })
final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Output directory, local or s3a://.")
  String output;

  @Option(names = "--images", paramLabel = "N", description = "Number of images (default 15000).")
  Long images;

  @Option(names = "--size", paramLabel = "PX", description = "Image side in pixels (default 32).")
  Integer size;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      description = "Seed of everything random (default 42).")
  Long seed;

  @Option(
      names = "--splits",
      paramLabel = "K",
      description = "Seeded train/validation/test splits (default 3).")
  Integer splits;

  @Option(
      names = "--partitions",
      paramLabel = "P",
      description = "Partitions of the index range (default: automatic).")
  Integer partitions;

  @Option(
      names = "--export-png",
      paramLabel = "DIR",
      description = "Also write plain PNG files here.")
  String exportPng;

  @Option(names = "--overwrite", description = "Replace existing output directories.")
  Boolean overwrite;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.generate.output", output);
    options.put("softlabels.generate.images", images);
    options.put("softlabels.generate.size", size);
    options.put("softlabels.generate.seed", seed);
    options.put("softlabels.generate.splits", splits);
    options.put("softlabels.generate.partitions", partitions);
    options.put("softlabels.generate.export-png", exportPng);
    options.put("softlabels.generate.overwrite", overwrite);
    return ConfigOptions.run(
        spec,
        config.load(options),
        GenerateSettings::from,
        (spark, effective, settings) -> {
          Map<String, Object> summary = GenerateJob.run(spark, settings);
          spec.commandLine()
              .getOut()
              .printf(
                  Locale.ROOT,
                  "generate: %,d images of %dx%d px, by kind %s, in %.1f s -> %s%n",
                  (Long) summary.get("images"),
                  settings.size(),
                  settings.size(),
                  summary.get("by_kind"),
                  (Double) summary.get("seconds"),
                  settings.output());
        });
  }
}
