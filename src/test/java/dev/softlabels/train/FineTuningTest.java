package dev.softlabels.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Fine-tuning on a small network and random data (no Spark: DL4J's transfer learning itself). */
class FineTuningTest {

  private static final OptimizerSettings OPTIMIZER =
      new OptimizerSettings(0.05, 0, 0.9, 5e-4, LearningRateSchedule.CONSTANT, 0, 2);

  /**
   * A cnn for 8x8 images and {@code classes} classes, trained a few steps so no parameter is at its
   * initial value.
   */
  private static MultiLayerNetwork pretrained(int classes) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(Networks.build(Network.CNN, 3, 8, 8, classes, OPTIMIZER, null, 3));
    network.init();
    for (int step = 0; step < 3; step++) {
      network.fit(batch(classes, step));
    }
    return network;
  }

  private static DataSet batch(int classes, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray features = Nd4j.rand(DataType.FLOAT, 16, 3, 8, 8);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, classes);
    for (int i = 0; i < 16; i++) {
      labels.putScalar(i, (i + seed) % classes, 1f);
    }
    return new DataSet(features, labels);
  }

  /**
   * Every parameter of every layer below the output, by layer and name (copied, so later training
   * cannot touch them).
   */
  private static Map<String, INDArray> belowOutput(MultiLayerNetwork network) {
    Map<String, INDArray> table = new java.util.TreeMap<>();
    for (int layer = 0; layer < network.getnLayers() - 1; layer++) {
      int index = layer;
      network
          .getLayer(layer)
          .paramTable()
          .forEach((name, values) -> table.put(index + "_" + name, values.dup()));
    }
    return table;
  }

  /**
   * A small graph for 8x8 images and 6 classes, with a merge vertex as ResNet's shortcuts, trained
   * a step.
   */
  private static ComputationGraph pretrainedGraph() {
    ComputationGraph pretrained =
        new ComputationGraph(
            new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Sgd(0.05))
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer(
                    "conv",
                    new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(),
                    "input")
                .addLayer(
                    "branch",
                    new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(),
                    "input")
                // A vertex that is no layer, as ResNet's shortcuts: frozen as a FrozenVertex.
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv", "branch")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "sum")
                .addLayer(
                    "output",
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(6)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "pool")
                .setOutputs("output")
                .build());
    pretrained.init();
    pretrained.fit(batch(6, 1));
    return pretrained;
  }

  private static MultiLayerNetwork stack(NeuralNet network) {
    return ((NeuralNet.Stack) network).network();
  }

  @Test
  void everyLayerButTheOutputIsCopiedAndTheOutputIsRebuiltForTheNewClasses() {
    MultiLayerNetwork pretrained = pretrained(6);
    MultiLayerNetwork tuned =
        stack(FineTuning.start(new NeuralNet.Stack(pretrained), 10, OPTIMIZER, null, 5, false));

    assertThat(tuned.getnLayers()).isEqualTo(pretrained.getnLayers());
    Map<String, INDArray> before = belowOutput(pretrained);
    assertThat(before)
        .hasSizeGreaterThan(10); // conv weights and biases, batch-norm gamma, beta, mean, var
    assertThat(belowOutput(tuned)).isEqualTo(before);
    int output = tuned.getnLayers() - 1;
    OutputLayer layer = (OutputLayer) tuned.getLayer(output).conf().getLayer();
    assertThat(layer.getNIn()).isEqualTo(64);
    assertThat(layer.getNOut()).isEqualTo(10);
    assertThat(tuned.getLayer(output).getParam("W").shape()).containsExactly(64, 10);
    assertThat(tuned.output(batch(10, 1).getFeatures()).shape()).containsExactly(16, 10);
    assertThat(FineTuning.isFrozen(new NeuralNet.Stack(tuned))).isFalse();
  }

  /**
   * The same for a computation graph (the zoo's networks): a vertex below the output is frozen,
   * then trainable again with its parameters.
   */
  @Test
  void aGraphsFrozenVerticesKeepTheirParametersAndUnfreezingKeepsEveryParameter() {
    ComputationGraph pretrained = pretrainedGraph();
    INDArray convolution = pretrained.getLayer("conv").params().dup();

    NeuralNet tuned =
        FineTuning.start(new NeuralNet.Graph(pretrained), 4, OPTIMIZER, null, 5, true);
    assertThat(FineTuning.isFrozen(tuned)).isTrue();
    ComputationGraph frozen = ((NeuralNet.Graph) tuned).graph();
    assertThat(((OutputLayer) frozen.getOutputLayer(0).conf().getLayer()).getNOut()).isEqualTo(4);
    INDArray outputBefore = frozen.getLayer("output").params().dup();
    for (int step = 0; step < 3; step++) {
      frozen.fit(batch(4, 10 + step));
    }
    assertThat(frozen.getLayer("conv").params()).as("a frozen vertex").isEqualTo(convolution);
    assertThat(frozen.getLayer("output").params()).isNotEqualTo(outputBefore);

    NeuralNet trainable = FineTuning.unfrozen(tuned);
    assertThat(FineTuning.isFrozen(trainable)).isFalse();
    assertThat(trainable.params()).isEqualTo(tuned.params());
    ComputationGraph graph = ((NeuralNet.Graph) trainable).graph();
    graph.fit(batch(4, 20));
    assertThat(graph.getLayer("conv").params())
        .as("the convolution trains once unfrozen")
        .isNotEqualTo(convolution);
  }

  @Test
  void frozenEpochsTrainOnlyTheOutputAndUnfreezingKeepsEveryParameter() {
    MultiLayerNetwork pretrained = pretrained(6);
    Map<String, INDArray> before = belowOutput(pretrained);
    MultiLayerNetwork tuned =
        stack(FineTuning.start(new NeuralNet.Stack(pretrained), 4, OPTIMIZER, null, 5, true));
    assertThat(FineTuning.isFrozen(new NeuralNet.Stack(tuned))).isTrue();
    INDArray images = batch(4, 9).getFeatures();
    assertThat(new NeuralNet.Stack(tuned).features(images))
        .as("the features layer, found inside its frozen wrapper")
        .isEqualTo(new NeuralNet.Stack(pretrained).features(images));
    INDArray outputBefore = tuned.getLayer(tuned.getnLayers() - 1).params().dup();

    for (int step = 0; step < 5; step++) {
      tuned.fit(batch(4, 10 + step));
    }
    assertThat(belowOutput(tuned))
        .as("frozen layers, batch-norm statistics included, bit for bit")
        .isEqualTo(before);
    assertThat(tuned.getLayer(tuned.getnLayers() - 1).params()).isNotEqualTo(outputBefore);

    MultiLayerNetwork trainable = stack(FineTuning.unfrozen(new NeuralNet.Stack(tuned)));
    assertThat(FineTuning.isFrozen(new NeuralNet.Stack(trainable))).isFalse();
    assertThat(trainable.params()).isEqualTo(tuned.params());
    trainable.fit(batch(4, 20));
    Map<String, INDArray> after = belowOutput(trainable);
    assertThat(after.get("0_W"))
        .as("the first convolution trains once unfrozen")
        .isNotEqualTo(before.get("0_W"));
  }

  /**
   * A fine-tune on the classes the network was trained on keeps its output layer: right after the
   * start, before any training, its parameters are the pretrained ones bit for bit (a new layer's
   * are random).
   */
  @Test
  void theOutputLayerIsKeptBitForBitWhenItsClassesAreTheLabelTables() {
    MultiLayerNetwork pretrained = pretrained(6);
    float[] trained = pretrained.getOutputLayer().params().toFloatVector();
    NeuralNet started =
        FineTuning.start(new NeuralNet.Stack(pretrained), 6, OPTIMIZER, null, 5, true);
    assertThat(stack(started).getOutputLayer().params().toFloatVector())
        .as("a new output layer")
        .isNotEqualTo(trained);

    MultiLayerNetwork kept =
        stack(FineTuning.withOutputOf(new NeuralNet.Stack(pretrained), started));
    assertThat(kept.getOutputLayer().params().toFloatVector()).containsExactly(trained);
    assertThat(FineTuning.isFrozen(new NeuralNet.Stack(kept))).isTrue();

    ComputationGraph graph = pretrainedGraph();
    float[] graphTrained = graph.getLayer("output").params().toFloatVector();
    ComputationGraph keptGraph =
        ((NeuralNet.Graph)
                FineTuning.withOutputOf(
                    new NeuralNet.Graph(graph),
                    FineTuning.start(new NeuralNet.Graph(graph), 6, OPTIMIZER, null, 5, true)))
            .graph();
    assertThat(keptGraph.getLayer("output").params().toFloatVector()).containsExactly(graphTrained);
  }

  @Test
  void anOutputLayerForOtherClassesCannotBeKept() {
    MultiLayerNetwork pretrained = pretrained(6);
    NeuralNet started =
        FineTuning.start(new NeuralNet.Stack(pretrained), 4, OPTIMIZER, null, 5, false);
    assertThatThrownBy(() -> FineTuning.withOutputOf(new NeuralNet.Stack(pretrained), started))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("do not fit");
  }

  @Test
  void theOutputIsKeptOnlyForTheSameClassNamesInTheSameOrderWhenAsked() {
    List<String> cifar = List.of("airplane", "automobile", "bird");
    assertThat(FineTuning.keepsOutput(true, cifar, List.of("airplane", "automobile", "bird")))
        .isTrue();
    assertThat(FineTuning.keepsOutput(false, cifar, cifar)).as("switched off").isFalse();
    assertThat(FineTuning.keepsOutput(true, cifar, List.of("automobile", "airplane", "bird")))
        .as("another order")
        .isFalse();
    assertThat(FineTuning.keepsOutput(true, cifar, List.of("airplane", "automobile")))
        .as("fewer classes")
        .isFalse();
    assertThat(FineTuning.keepsOutput(true, List.of(), List.of()))
        .as("neither side records its classes")
        .isFalse();
  }
}
