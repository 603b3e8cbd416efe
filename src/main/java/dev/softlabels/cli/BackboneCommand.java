package dev.softlabels.cli;

import dev.softlabels.backbone.BackboneJob;
import dev.softlabels.backbone.BackboneSettings;
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
    name = "backbone",
    mixinStandardHelpOptions = true,
    description = {
      "Train a CIFAR-10 backbone that train and reproduce fine-tune from.",
      "Train a backbone to fine-tune from (train --init-from DIR/model): a network trained on the 50,000",
      "CIFAR-10 training images with their labels (the recipe of softlabels.backbone.train-preset, with",
      "flips and crops), checkpointed and resumed like train, then scored on the 10,000 CIFAR-10 test",
      "images. Prints its test accuracy and training time; writes DIR/backbone.json."
    })
final class BackboneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--model-dir",
      paramLabel = "DIR",
      description = "The backbone's folder, local or s3a://.")
  String modelDir;

  @Option(
      names = "--shared-data",
      paramLabel = "DIR",
      description = "The folder with cifar10-train/ and cifar10-test/ (default ../shared/data).")
  String sharedData;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Epochs instead of the train preset's.")
  Integer epochs;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> options = new HashMap<>();
    options.put("softlabels.backbone.model-dir", modelDir);
    options.put("softlabels.backbone.shared-data", sharedData);
    options.put("softlabels.backbone.epochs", epochs);
    return ConfigOptions.run(
        spec,
        config.load(options),
        effective -> {
          BackboneSettings settings = BackboneSettings.from(effective);
          HadoopPaths.requireLocalExists(
              HadoopPaths.child(settings.sharedData(), BackboneJob.TRAIN_SET),
              "CIFAR-10 training images (--shared-data)");
          return settings;
        },
        (spark, effective, settings) ->
            spec.commandLine()
                .getOut()
                .println(BackboneJob.run(spark, effective, settings).line()));
  }
}
