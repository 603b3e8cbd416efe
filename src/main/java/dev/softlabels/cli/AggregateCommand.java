package dev.softlabels.cli;

import dev.softlabels.annotations.AggregateJob;
import dev.softlabels.annotations.AggregateSettings;
import dev.softlabels.spark.HadoopPaths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    description = {
        "Turn annotation rows into per-image hard and soft labels.",
        "Rows are (image, annotator, label). Hard labels are the majority vote (ties to the lowest class index)",
        "and soft labels the vote fractions; or, with --method dawid-skene, one-coin, glad, mace or wawa, a model of",
        "the annotators estimates each one's reliability (by EM but for wawa) and the soft labels are the",
        "posteriors, the hard labels their argmax.",
        "Writes DIR/labels/ (Parquet), DIR/quarantine/ (rejected rows with a reason), DIR/summary.json and, for",
        "the models, DIR/annotators/ (each annotator's label count, accuracy and the method's parameters)."})
final class AggregateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(names = "--input", paramLabel = "PATH",
      description = "Annotation rows: CSV, JSON lines, Parquet or a tool's export (--format); a file or directory, "
          + "local or s3a://.")
  String input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output directory, local or s3a://.")
  String output;

  @Mixin AnnotationOptions annotations;

  @Option(names = "--method", paramLabel = "METHOD",
      description = "majority (the default), dawid-skene, one-coin, glad, mace or wawa; EM settings under "
          + "softlabels.aggregate.em.")
  String method;

  @Option(names = "--overwrite", description = "Replace an existing output directory.")
  Boolean overwrite;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.aggregate.input", input);
    options.put("softlabels.aggregate.output", output);
    annotations.addTo(options);
    options.put("softlabels.aggregate.overwrite", overwrite);
    options.put("softlabels.aggregate.method", method);
    return ConfigOptions.run(spec, config.load(options), effective -> {
      AggregateSettings settings = AggregateSettings.from(effective);
      HadoopPaths.requireLocalExists(settings.input(), "input");
      return settings;
    }, (spark, effective, settings) -> spec.commandLine().getOut().println(AggregateJob.run(spark, settings).line()));
  }
}
