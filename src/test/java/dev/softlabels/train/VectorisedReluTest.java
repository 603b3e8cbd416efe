package dev.softlabels.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class VectorisedReluTest {

  private static final String DL4J_RELU = ActivationReLU.class.getName();
  private static final String VECTORISED_RELU = VectorisedRelu.class.getName();

  @Test
  void passesTheGradientOnlyWhereTheInputIsAboveZero() {
    INDArray in = Nd4j.createFromArray(-1.5f, -0.0f, 0.0f, 1e-7f, 2f, 3.5f);
    INDArray epsilon = Nd4j.createFromArray(5f, 6f, 7f, 8f, 9f, 10f);
    INDArray gradient = new VectorisedRelu().backprop(in, epsilon).getFirst();
    assertThat(gradient.toFloatVector()).containsExactly(0f, 0f, 0f, 8f, 9f, 10f);
  }

  @Test
  void itsGradientEqualsDl4jsExactly() {
    Nd4j.getRandom().setSeed(7);
    INDArray in = Nd4j.randn(DataType.FLOAT, 8, 16, 12, 12);
    in.getScalar(0, 0, 0, 0).assign(0);
    INDArray epsilon = Nd4j.randn(DataType.FLOAT, 8, 16, 12, 12);
    INDArray dl4j = new ActivationReLU().backprop(in.dup(), epsilon.dup()).getFirst();
    INDArray vectorised = new VectorisedRelu().backprop(in.dup(), epsilon.dup()).getFirst();
    // Exactly, but not bit for bit: where a negative gradient is blocked it gives -0.0, DL4J +0.0.
    assertThat(vectorised.sub(dl4j).amaxNumber().doubleValue()).isZero();
    assertThat(vectorised.neq(0).castTo(DataType.INT32).sumNumber().intValue())
        .as("about half of 18,432 inputs are above zero")
        .isBetween(8700, 9700);
  }

  @Test
  void trainsTheCnnExactlyAsDl4jsReluDoes() {
    MultiLayerConfiguration configuration =
        Networks.build(
            Network.CNN,
            3,
            16,
            16,
            4,
            new OptimizerSettings(0.1, 0.0, 0.9, 5e-4, LearningRateSchedule.CONSTANT, 0, 2),
            null,
            3);
    String json = configuration.toJson();
    assertThat(json).contains(VECTORISED_RELU);
    MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(json);
    assertThat(restored.getConf(2).getLayer())
        .isInstanceOfSatisfying(
            ActivationLayer.class,
            layer -> assertThat(layer.getActivationFn()).isInstanceOf(VectorisedRelu.class));

    MultiLayerNetwork vectorised = new MultiLayerNetwork(restored);
    vectorised.init();
    MultiLayerNetwork dl4j =
        new MultiLayerNetwork(
            MultiLayerConfiguration.fromJson(json.replace(VECTORISED_RELU, DL4J_RELU)));
    dl4j.init(vectorised.params().dup(), true);
    assertThat(dl4j.getLayer(2).conf().getLayer())
        .isInstanceOfSatisfying(
            ActivationLayer.class,
            layer ->
                assertThat(layer.getActivationFn().getClass()).isEqualTo(ActivationReLU.class));

    INDArray before = vectorised.params().dup();
    Nd4j.getRandom().setSeed(11);
    for (int step = 0; step < 3; step++) {
      INDArray targets = Nd4j.rand(DataType.FLOAT, 8, 4);
      DataSet minibatch =
          new DataSet(
              Nd4j.randn(DataType.FLOAT, 8, 3, 16, 16), targets.diviColumnVector(targets.sum(1)));
      vectorised.fit(minibatch);
      dl4j.fit(minibatch);
    }
    assertThat(vectorised.params().toFloatVector()).containsExactly(dl4j.params().toFloatVector());
    assertThat(vectorised.params().equalsWithEps(before, 1e-3))
        .as("training moved the parameters")
        .isFalse();
  }

  @Test
  void aConfigurationThatSetsAThresholdKeepsDl4jsGradient() throws Exception {
    IActivation thresholded =
        NeuralNetConfiguration.mapper()
            .readValue(
                "{\"@class\":\"" + VECTORISED_RELU + "\",\"threshold\":0.5}", IActivation.class);
    assertThat(thresholded).isInstanceOf(VectorisedRelu.class);
    INDArray in = Nd4j.createFromArray(-1f, 0.25f, 0.75f, 2f);
    INDArray epsilon = Nd4j.createFromArray(1f, 2f, 3f, 4f);
    assertThat(thresholded.backprop(in, epsilon).getFirst().toFloatVector())
        .containsExactly(0f, 0f, 3f, 4f);
  }
}
