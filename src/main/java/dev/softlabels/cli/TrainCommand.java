package dev.softlabels.cli;

import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.train.TrainJob;
import dev.softlabels.train.TrainSettings;
import dev.softlabels.train.TrainState;
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
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a CNN on hard or soft labels with Spark parameter averaging.",
      "Targets: hard (one-hot majority vote) or soft (label distribution). Per epoch: validation loss, KL",
      "and macro accuracy; checkpoints in MODEL_DIR (last/ to resume, best/ = lowest validation loss)."
    })
final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Mixin DataOptions data;

  @Option(
      names = "--label-type",
      paramLabel = "TYPE",
      description =
          "hard (one-hot hard_label), soft (vote fractions or exact distributions; the default) or "
              + "posterior (a model's posteriors from aggregate --method dawid-skene, one-coin, glad, mace or wawa).")
  String labelType;

  @Option(
      names = "--model-dir",
      paramLabel = "DIR",
      description = "Checkpoints and the best model, local or s3a://.")
  String modelDir;

  @Option(names = "--preset", paramLabel = "NAME", description = "paper, paper-restarts or quick.")
  String preset;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Epochs (default 10, or the preset's).")
  Integer epochs;

  @Option(
      names = "--network",
      paramLabel = "NAME",
      description =
          "cnn (default), cnn-medium, cnn-large, or the DL4J zoo's resnet50 or vgg16 (for GPU clusters).")
  String network;

  @Option(
      names = "--init-from",
      paramLabel = "MODEL",
      description =
          "Start from a trained network: a model directory (its best/ checkpoint), a DL4J model zip, or "
              + "imagenet (the zoo network's ImageNet weights, downloaded by DL4J); the output layer is rebuilt for the "
              + "labels' classes, or kept when they are the ones it was trained on "
              + "(softlabels.train.keep-matching-output).")
  String initFrom;

  @Option(
      names = "--frozen-epochs",
      paramLabel = "N",
      description =
          "With --init-from: first epochs that train only the new output layer (default 0).")
  Integer frozenEpochs;

  @Option(
      names = "--fresh",
      description = "Start over even if MODEL_DIR has a checkpoint to resume from.")
  boolean fresh;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> options = new HashMap<>();
    data.addTo(options, "softlabels.train");
    options.put("softlabels.train.label-type", labelType);
    options.put("softlabels.train.model-dir", modelDir);
    options.put("softlabels.train.preset", preset);
    options.put("softlabels.train.network", network);
    options.put("softlabels.train.resume", fresh ? false : null);
    options.put("softlabels.train.epochs", epochs);
    options.put("softlabels.train.init-from", initFrom);
    options.put("softlabels.train.frozen-epochs", frozenEpochs);
    return ConfigOptions.run(
        spec,
        config.load(options),
        effective -> {
          TrainSettings settings = TrainSettings.from(effective);
          HadoopPaths.requireLocalExists(settings.data().images(), "images");
          HadoopPaths.requireLocalExists(settings.data().labels(), "labels");
          if (settings.fineTunesFromPath()) {
            HadoopPaths.requireLocalExists(settings.initFrom(), "--init-from");
          }
          return settings;
        },
        (spark, effective, settings) -> {
          TrainState state = TrainJob.run(spark, settings);
          TrainState.Epoch best = state.history().get(state.bestEpoch() - 1);
          spec.commandLine()
              .getOut()
              .printf(
                  Locale.ROOT,
                  "train: %d epochs; best epoch %d: validation loss %.4f, KL %.4f, macro accuracy %.4f -> %s%n",
                  state.epochsDone(),
                  state.bestEpoch(),
                  best.validationLoss(),
                  best.validationKl(),
                  best.validationMacroAccuracy(),
                  settings.modelDir());
        });
  }
}
