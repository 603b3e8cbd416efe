package dev.softlabels.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.UserError;
import dev.softlabels.dataset.TrainingData;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.data.Offset;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The zoo's graphs and fine-tuning of graphs, without Spark (DL4J itself). */
class ZooNetworksTest {

  private static final OptimizerSettings OPTIMIZER =
      new OptimizerSettings(0.01, 0, 0.9, 5e-4, LearningRateSchedule.CONSTANT, 0, 2);

  @TempDir Path dir;

  private static DataSet batch(int examples, int size, int classes, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray features = Nd4j.rand(DataType.FLOAT, examples, 3, size, size);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, examples, classes);
    for (int i = 0; i < examples; i++) {
      labels.putScalar(i, (i + seed) % classes, 1f);
    }
    return new DataSet(features, labels);
  }

  @ParameterizedTest
  @EnumSource(
      value = Network.class,
      names = {"RESNET50", "VGG16"})
  void aZooNetworkBuildsFor32PixelImagesAndTenClassesAndTakesATrainingStep(Network network) {
    NeuralNet built =
        Networks.create(network, new TrainingData.Shape(3, 32, 32, 10), OPTIMIZER, null, 7);
    assertThat(built).isInstanceOf(NeuralNet.Graph.class);
    ComputationGraph graph = ((NeuralNet.Graph) built).graph();
    OutputLayer output = (OutputLayer) graph.getOutputLayer(0).conf().getLayer();
    assertThat(output.getNOut()).isEqualTo(10);
    assertThat(output.getNIn())
        .as("channels of the zoo's last feature maps")
        .isEqualTo(network == Network.RESNET50 ? 2048 : 512);

    DataSet batch = batch(2, 32, 10, 1);
    INDArray probabilities = built.output(batch.getFeatures());
    assertThat(probabilities.shape()).containsExactly(2, 10);
    assertThat(probabilities.sum(1).toDoubleVector())
        .containsExactly(new double[] {1, 1}, Offset.offset(1e-4));
    assertThat(built.features(batch.getFeatures()).shape()).containsExactly(2, output.getNIn());

    INDArray before = built.params().dup();
    graph.fit(batch);
    assertThat(graph.score()).isFinite();
    assertThat(built.params()).isNotEqualTo(before);
  }

  /**
   * A small graph with a residual addition (a non-layer vertex) under softlabels' head, trained a
   * few steps.
   */
  private static ComputationGraph pretrainedGraph(int classes) {
    ComputationGraphConfiguration conf =
        Networks.defaults(OPTIMIZER, 3)
            .graphBuilder()
            .addInputs("in")
            .addLayer(
                "conv1",
                new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(),
                "in")
            .addLayer("bn1", new BatchNormalization.Builder().build(), "conv1")
            .addLayer(
                "relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
            .addLayer(
                "conv2",
                new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(),
                "relu1")
            .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "relu1", "conv2")
            .addLayer(
                Networks.FEATURES, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "add")
            .addLayer("output", Networks.output(classes, null).build(), Networks.FEATURES)
            .setOutputs("output")
            .setInputTypes(InputType.convolutional(8, 8, 3))
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    for (int step = 0; step < 3; step++) {
      graph.fit(batch(16, 8, classes, step));
    }
    return graph;
  }

  /** Every parameter below the output, by layer and name (copied). */
  private static Map<String, INDArray> belowOutput(ComputationGraph graph) {
    Map<String, INDArray> table = new TreeMap<>();
    for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
      String name = layer.conf().getLayer().getLayerName();
      if (!name.equals("output")) {
        layer.paramTable().forEach((param, values) -> table.put(name + "_" + param, values.dup()));
      }
    }
    return table;
  }

  @Test
  void aGraphFineTunesFrozenThenUnfrozenLikeALayerStack() {
    ComputationGraph pretrained = pretrainedGraph(6);
    Map<String, INDArray> before = belowOutput(pretrained);
    assertThat(before).containsKeys("conv1_W", "conv2_W", "bn1_gamma", "bn1_mean");

    NeuralNet copied =
        FineTuning.start(new NeuralNet.Graph(pretrained), 10, OPTIMIZER, null, 5, false);
    OutputLayer rebuilt =
        (OutputLayer) ((NeuralNet.Graph) copied).graph().getOutputLayer(0).conf().getLayer();
    assertThat(rebuilt.getNIn()).isEqualTo(4);
    assertThat(rebuilt.getNOut()).isEqualTo(10);
    assertThat(belowOutput(((NeuralNet.Graph) copied).graph())).isEqualTo(before);
    assertThat(FineTuning.isFrozen(copied)).isFalse();

    NeuralNet tuned =
        FineTuning.start(new NeuralNet.Graph(pretrained), 4, OPTIMIZER, null, 5, true);
    assertThat(FineTuning.isFrozen(tuned)).isTrue();
    ComputationGraph frozen = ((NeuralNet.Graph) tuned).graph();
    INDArray images = batch(4, 8, 4, 9).getFeatures();
    assertThat(tuned.features(images)).isEqualTo(new NeuralNet.Graph(pretrained).features(images));
    INDArray outputBefore = frozen.getLayer("output").params().dup();
    for (int step = 0; step < 5; step++) {
      frozen.fit(batch(16, 8, 4, 10 + step));
    }
    assertThat(belowOutput(frozen))
        .as("frozen layers, batch-norm statistics included, bit for bit")
        .isEqualTo(before);
    assertThat(frozen.getLayer("output").params()).isNotEqualTo(outputBefore);

    NeuralNet trainable = FineTuning.unfrozen(tuned);
    assertThat(FineTuning.isFrozen(trainable)).isFalse();
    assertThat(trainable.params()).isEqualTo(tuned.params());
    // The train job sets the epoch's rate: the output layer's updater and the unfrozen layers'
    // differ here.
    trainable.setLearningRate(0);
    ((NeuralNet.Graph) trainable).graph().fit(batch(16, 8, 4, 20));
    assertThat(belowOutput(((NeuralNet.Graph) trainable).graph()).get("conv1_W"))
        .as("a zero rate moves nothing")
        .isEqualTo(before.get("conv1_W"));
    trainable.setLearningRate(0.02);
    ((NeuralNet.Graph) trainable).graph().fit(batch(16, 8, 4, 21));
    assertThat(belowOutput(((NeuralNet.Graph) trainable).graph()).get("conv1_W"))
        .as("the first convolution trains once unfrozen")
        .isNotEqualTo(before.get("conv1_W"));
  }

  @Test
  void imagenetWeightsThatCannotBeDownloadedGiveOneLineSayingWhatAndWhere() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String baseUrl = DL4JResources.getBaseDownloadURL();
    DL4JResources.setBaseDownloadURL("http://127.0.0.1:" + closedPort + "/");
    DL4JResources.setBaseDirectory(dir.toFile());
    try {
      TrainingData.Shape shape = new TrainingData.Shape(3, 32, 32, 10);
      assertThatThrownBy(() -> ZooNetworks.imagenet(Network.RESNET50, shape))
          .isInstanceOf(UserError.class)
          .hasMessageContaining(
              "cannot download resnet50's ImageNet weights from http://127.0.0.1:"
                  + closedPort
                  + "/models/resnet50_dl4j_inference.v3.zip")
          .hasMessageContaining(
              "the DL4J zoo caches them as "
                  + dir.resolve("models/resnet50/resnet50_dl4j_inference.v3.zip"))
          .hasMessageNotContaining("\n");
    } finally {
      DL4JResources.setBaseDownloadURL(baseUrl);
      DL4JResources.resetBaseDirectoryLocation();
    }
  }
}
