package dev.softlabels.reproduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import dev.softlabels.backbone.BackboneJob;
import dev.softlabels.config.ConfigLoader;
import dev.softlabels.config.Json;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.labels.Metrics;
import dev.softlabels.synthetic.SyntheticClasses;
import dev.softlabels.testing.Acceptance;
import dev.softlabels.testing.SparkExtension;
import dev.softlabels.train.Checkpoints;
import dev.softlabels.train.LearningRateSchedule;
import dev.softlabels.train.Network;
import dev.softlabels.train.Networks;
import dev.softlabels.train.NeuralNet;
import dev.softlabels.train.OptimizerSettings;
import dev.softlabels.train.TrainState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole study at toy size: every cell, the report files, and a re-run that recomputes nothing.
 */
@ExtendWith(SparkExtension.class)
@Acceptance
class ReproduceJobTest {

  @TempDir Path dir;

  @Test
  void runsEveryCellWritesTheReportAndResumes(SparkSession spark) throws Exception {
    Config config =
        ConfigLoader.withOverrides(
            Map.of(
                "softlabels.reproduce.output", dir.toString(),
                "softlabels.reproduce.splits", 2,
                "softlabels.reproduce.presets.quick.images", 300,
                "softlabels.reproduce.presets.quick.epochs", 2,
                "softlabels.reproduce.presets.quick.embed-iterations", 250),
            ReproduceSettings::preset);
    ReproduceSettings settings = ReproduceSettings.from(config);

    List<CellResult> cells = ReproduceJob.run(spark, config, settings);

    assertThat(cells)
        .hasSize(4)
        .extracting(c -> c.split() + "/" + c.labelType())
        .containsExactlyInAnyOrder("0/hard", "0/soft", "1/hard", "1/soft");
    assertThat(cells)
        .allSatisfy(
            c -> assertThat(c.metrics()).containsOnlyKeys(Metrics.LARGER_IS_BETTER.keySet()));
    assertThat(Files.readString(dir.resolve("report.md")))
        .contains(
            "| Dataset | Hard ACC ↑ | Hard KL ↓ | Soft ACC ↑ | Soft KL ↓ |",
            "synthetic (ours, 2 splits)",
            "synthetic (paper)",
            "## Soft − hard, paired by split",
            "- **synthetic** (2 paired splits): soft labels are better on ");
    assertThat(Files.readAllLines(dir.resolve("results.csv"))).hasSize(5);
    assertThat(Files.readString(dir.resolve("synthetic/cells/split-1/soft/model/last/state.json")))
        .as("a cell trains softlabels.train.epochs, here the preset's")
        .containsPattern("\"epochs_done\"\\s*:\\s*2\\b");
    assertThat(Files.readString(dir.resolve("report.html")))
        .contains("<table>", "<img src=\"data:image/png;base64,");
    Path embedding = dir.resolve("synthetic/embedding");
    assertThat(embedding.resolve("colour-interpolation.png")).isNotEmptyFile();
    assertThat(embedding.resolve("shape-interpolation.png")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve("report.md")))
        .contains(
            "## Feature space (t-SNE)",
            "(synthetic/embedding/colour-interpolation.png)",
            "250 iterations");
    assertThat(Files.readString(dir.resolve("results.json")))
        .contains("\"cells\"", "\"soft_minus_hard\"", "\"pairs\" : 2");

    Path firstModel = dir.resolve("synthetic/cells/split-0/hard/model/last/model.zip");
    long written = Files.getLastModifiedTime(firstModel).toMillis();
    long embedded = Files.getLastModifiedTime(embedding.resolve("embed.json")).toMillis();
    List<CellResult> again = ReproduceJob.run(spark, config, settings);
    assertThat(again).containsExactlyInAnyOrderElementsOf(cells);
    assertThat(Files.getLastModifiedTime(firstModel).toMillis())
        .as("finished cells are not retrained")
        .isEqualTo(written);
    assertThat(Files.getLastModifiedTime(embedding.resolve("embed.json")).toMillis())
        .as("plots are not redrawn")
        .isEqualTo(embedded);
  }

  @Test
  void posteriorCellsTrainOnTheirMethodsLabelsOfTheSimulatedVotes(SparkSession spark)
      throws Exception {
    Config config =
        ConfigLoader.withOverrides(
            Map.of(
                "softlabels.reproduce.output",
                dir.toString(),
                "softlabels.reproduce.splits",
                1,
                "softlabels.reproduce.annotate",
                true,
                "softlabels.reproduce.embed",
                false,
                "softlabels.reproduce.label-types",
                List.of("soft", "posterior", "mace"),
                "softlabels.annotate.votes-per-image",
                5,
                "softlabels.reproduce.presets.quick.images",
                300,
                "softlabels.reproduce.presets.quick.epochs",
                1),
            ReproduceSettings::preset);

    List<CellResult> cells = ReproduceJob.run(spark, config, ReproduceSettings.from(config));

    assertThat(cells)
        .extracting(c -> c.split() + "/" + c.labelType())
        .containsExactlyInAnyOrder("0/soft", "0/posterior", "0/mace");
    Path posteriors = dir.resolve("synthetic/aggregated-dawid-skene/labels");
    assertThat(LabelColumns.aggregation(spark.read().parquet(posteriors.toString()).schema()))
        .contains(AggregationMethod.DAWID_SKENE);
    assertThat(
            Files.readString(
                dir.resolve("synthetic/cells/split-0/posterior/model/last/state.json")))
        .contains(posteriors.toString());
    assertThat(Files.readString(dir.resolve("synthetic/cells/split-0/soft/model/last/state.json")))
        .contains(dir.resolve("synthetic/aggregated/labels").toString());
    Path mace = dir.resolve("synthetic/aggregated-mace/labels");
    assertThat(LabelColumns.aggregation(spark.read().parquet(mace.toString()).schema()))
        .contains(AggregationMethod.MACE);
    assertThat(Files.readString(dir.resolve("synthetic/cells/split-0/mace/model/last/state.json")))
        .contains(mace.toString());
    assertThat(Files.readString(dir.resolve("report.md")))
        .contains("| synthetic | posterior |")
        .contains("| synthetic | mace |");
  }

  @Test
  void labelTypesAreTheTrainJobsOrAMethodsPosteriors() {
    assertThat(ReproduceSettings.trainLabelType("glad")).isEqualTo("posterior");
    assertThat(ReproduceSettings.posteriorMethod("posterior"))
        .contains(AggregationMethod.DAWID_SKENE);
    assertThat(ReproduceSettings.posteriorMethod("one-coin")).contains(AggregationMethod.ONE_COIN);
    assertThat(ReproduceSettings.posteriorMethod("majority")).isEmpty();
    assertThat(ReproduceSettings.trainLabelType("hard")).isEqualTo("hard");
    assertThatThrownBy(() -> ReproduceSettings.trainLabelType("majority"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining(
            "softlabels.reproduce.label-types must be hard, soft, posterior or a method's name")
        .hasMessageContaining("(dawid-skene, one-coin, glad, mace, wawa); got 'majority'");
  }

  /**
   * With the backbone, every cell starts from it (here a stand-in already in OUTPUT/backbone/: a
   * network for 32 px images recording the synthetic classes, so no CIFAR-10 training runs and its
   * output layer fits), after a sweep of two learning rates on split 0's validation part; the
   * backbone alone is scored on every split's test part as the baseline, the synthetic images are
   * drawn at its 32 px, the report says all this, and a later run may not add cells trained the
   * other way.
   */
  @Test
  void withTheBackboneEveryCellFineTunesFromItAndTheReportSaysSo(SparkSession spark)
      throws Exception {
    Path backbone = dir.resolve(ReproduceJob.BACKBONE);
    MultiLayerNetwork standIn =
        new MultiLayerNetwork(
            Networks.build(
                Network.CNN,
                3,
                32,
                32,
                SyntheticClasses.CLASSES.size(),
                new OptimizerSettings(0.05, 0, 0.9, 5e-4, LearningRateSchedule.CONSTANT, 0, 2),
                null,
                1));
    standIn.init();
    Checkpoints checkpoints =
        new Checkpoints(spark, backbone.resolve(BackboneJob.MODEL).toString());
    TrainState state =
        new TrainState(1, 1, 2.3, List.of(), Map.of(), SyntheticClasses.CLASSES.names());
    checkpoints.save(Checkpoints.BEST, new NeuralNet.Stack(standIn), state);
    checkpoints.save(Checkpoints.LAST, new NeuralNet.Stack(standIn), state);
    Files.writeString(
        backbone.resolve(BackboneJob.SUMMARY),
        Json.write(new BackboneJob.Result("cnn", 1, 60, 70, 0.5, 0.5, backbone.toString())));
    Config config =
        ConfigLoader.withOverrides(
            Map.of(
                "softlabels.reproduce.output",
                dir.toString(),
                "softlabels.reproduce.splits",
                1,
                "softlabels.reproduce.embed",
                false,
                "softlabels.reproduce.backbone.use",
                "true",
                "softlabels.reproduce.sweep.learning-rates",
                List.of(0.01, 0.05),
                "softlabels.backbone.epochs",
                1,
                "softlabels.reproduce.presets.quick.images",
                300,
                "softlabels.reproduce.presets.quick.epochs",
                2),
            ReproduceSettings::preset);

    List<CellResult> cells = ReproduceJob.run(spark, config, ReproduceSettings.from(config));

    assertThat(cells)
        .extracting(CellResult::labelType)
        .containsExactlyInAnyOrder("hard", "soft", ReproduceJob.BASELINE);
    Sweep sweep = Json.read(Files.readString(dir.resolve("synthetic/sweep.json")), Sweep.class);
    assertThat(sweep.trials())
        .extracting(t -> t.candidate().learningRate() + "/" + t.labelType())
        .containsExactly("0.01/hard", "0.01/soft", "0.05/hard", "0.05/soft");
    assertThat(sweep.chosen())
        .isEqualTo(Sweep.of(sweep.selectBy(), sweep.trials()).chosen())
        .extracting(Sweep.Candidate::epochs)
        .isEqualTo(2);
    Path chosenRun = dir.resolve("synthetic/sweep/" + sweep.chosen().directory() + "/soft/model");
    assertThat(dir.resolve("synthetic/cells/split-0/soft/model/best/model.zip"))
        .as("split 0's cell is the chosen candidate's run")
        .hasSameBinaryContentAs(chosenRun.resolve("best/model.zip"));
    assertThat(dir.resolve("synthetic/reliability.png")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve("synthetic/data/summary.json")))
        .containsPattern("\"size\"\\s*:\\s*32");
    for (String type : List.of("hard", "soft")) {
      Path model = dir.resolve("synthetic/cells/split-0/" + type + "/model");
      assertThat(Files.readString(model.resolve("last/state.json")))
          .contains(backbone.resolve(BackboneJob.MODEL).toString());
      MultiLayerNetwork tuned =
          ((NeuralNet.Stack) new Checkpoints(spark, model.toString()).network(Checkpoints.LAST))
              .network();
      OutputLayer output = (OutputLayer) tuned.getLayer(tuned.getnLayers() - 1).conf().getLayer();
      assertThat(output.getNOut()).as("the six synthetic classes").isEqualTo(6);
      assertThat(tuned.getLayer(0).params())
          .as("the second epoch trains every layer")
          .isNotEqualTo(standIn.getLayer(0).params());
    }
    assertThat(Files.readString(dir.resolve("report.md")))
        .contains(
            "- **synthetic**: fine-tuned from the CIFAR-10 backbone (cnn, 1 epochs",
            "CIFAR-10 test accuracy 0.5000",
            "for 2 epochs (the sweep's choice); each cell's model is its best epoch by kl",
            "## Learning-rate / epoch sweep",
            "## Fine-tuned against the backbone alone",
            "![synthetic: reliability diagram](synthetic/reliability.png)")
        .containsPattern("\\| synthetic \\| soft \\| [01] of 1 \\|");

    Config scratch =
        ConfigLoader.withValues(config, Map.of("softlabels.reproduce.backbone.use", "false"));
    assertThatThrownBy(() -> ReproduceJob.run(spark, scratch, ReproduceSettings.from(scratch)))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("holds cells fine-tuned from the backbone");
  }
}
