package dev.softlabels.cli;

import com.typesafe.config.Config;
import dev.softlabels.reproduce.CellResult;
import dev.softlabels.reproduce.ReproduceJob;
import dev.softlabels.reproduce.ReproduceSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    description = {
      "Run the paper's study end to end and write its report.",
      "The paper's study end to end: the dataset, then for each of five splits (CIFAR-10H's are folds)",
      "and each label type (hard, soft) train -> evaluate on the test part, each model its best epoch by",
      "validation KL (fine-tuning: after a learning-rate sweep on split 0's validation part, beside the",
      "backbone's own scores), then a Table-1-style report (report.md, report.html, results.csv,",
      "results.json) with paired soft - hard intervals, the paper's numbers, the feature-space (t-SNE)",
      "plots and a reliability diagram of split 0's models. Re-running resumes."
    })
final class ReproduceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      description = "quick (default; minutes on a CPU) or paper.")
  String preset;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description = "synthetic (default) or cifar10h.")
  String dataset;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Output directory (default out/reproduce).")
  String output;

  @Option(
      names = "--annotate",
      description = "Train on labels aggregated from simulated annotators.")
  Boolean annotate;

  @Option(
      names = "--label-types",
      paramLabel = "TYPE",
      split = ",",
      description =
          "Label types to train and compare: hard, soft, posterior (Dawid–Skene's), or the posteriors of "
              + "dawid-skene, one-coin, glad, mace, wawa (default hard,soft; posteriors need --annotate).")
  List<String> labelTypes;

  @Option(
      names = "--backbone",
      negatable = true,
      description =
          "Fine-tune every cell from the CIFAR-10 backbone (trained once into OUTPUT/backbone/), or not "
              + "(--no-backbone). Default: for cifar10h only.")
  Boolean backbone;

  /**
   * The effective configuration: the options given over -D, --conf and the defaults, and the study
   * preset's keys under all of them.
   */
  Config configuration() {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.reproduce.preset", preset);
    options.put("softlabels.reproduce.dataset", dataset);
    options.put("softlabels.reproduce.output", output);
    options.put("softlabels.reproduce.annotate", annotate);
    options.put("softlabels.reproduce.label-types", labelTypes);
    options.put("softlabels.reproduce.backbone.use", backbone == null ? null : backbone.toString());
    return config.load(options, ReproduceSettings::preset);
  }

  @Override
  public Integer call() throws Exception {
    return ConfigOptions.run(
        spec,
        configuration(),
        ReproduceSettings::from,
        (spark, effective, settings) -> {
          List<CellResult> cells = ReproduceJob.run(spark, effective, settings);
          spec.commandLine()
              .getOut()
              .println(
                  "reproduce: "
                      + cells.size()
                      + " cells -> "
                      + settings.output()
                      + "/report.md, report.html, results.csv, results.json");
        });
  }
}
