package dev.softlabels.train;

import dev.softlabels.dataset.TrainingData;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The networks the train job can build: conv blocks with batch norm (the cnn family, as layer
 * stacks) or a zoo architecture's body ({@link ZooNetworks}, as graphs), then a global average
 * pooling layer (whose activations later jobs read as the image's feature vector) and a softmax
 * output trained with cross-entropy against the target distribution (KL up to a constant, so soft
 * targets work).
 */
public final class Networks {

  /** Name of the global-average-pooling layer, read as the feature vector. */
  public static final String FEATURES = "features";

  private Networks() {}

  /**
   * A new network, initialised: a layer stack for the cnn family, a computation graph for the
   * zoo's.
   *
   * @param classWeights per-class loss weights, or null for none
   */
  public static NeuralNet create(
      Network network,
      TrainingData.Shape shape,
      OptimizerSettings optimizer,
      double[] classWeights,
      long seed) {
    if (network.fromZoo()) {
      return new NeuralNet.Graph(ZooNetworks.build(network, shape, optimizer, classWeights, seed));
    }
    MultiLayerNetwork stack =
        new MultiLayerNetwork(
            build(
                network,
                shape.channels(),
                shape.height(),
                shape.width(),
                shape.classes(),
                optimizer,
                classWeights,
                seed));
    stack.init();
    return new NeuralNet.Stack(stack);
  }

  /**
   * A layer stack's configuration.
   *
   * @param network cnn (small, for CPUs), cnn-medium or cnn-large (deeper and wider, for GPU
   *     clusters)
   * @param classWeights per-class loss weights, or null for none
   */
  public static MultiLayerConfiguration build(
      Network network,
      int channels,
      int height,
      int width,
      int classes,
      OptimizerSettings optimizer,
      double[] classWeights,
      long seed) {
    if (network.fromZoo()) {
      throw new IllegalArgumentException(network + " is a computation graph, not a layer stack");
    }
    int[] widths = network.widths();
    NeuralNetConfiguration.ListBuilder layers = defaults(optimizer, seed).list();
    for (int block = 0; block < widths.length; block++) {
      for (int c = 0; c < network.convolutionsPerBlock(); c++) {
        layers
            .layer(
                new ConvolutionLayer.Builder(3, 3)
                    .nOut(widths[block])
                    .activation(Activation.IDENTITY)
                    .build())
            .layer(new BatchNormalization.Builder().build())
            .layer(new ActivationLayer.Builder().activation(new VectorisedRelu()).build());
      }
      if (block < widths.length - 1) {
        layers.layer(
            new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
      }
    }
    return layers
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).name(FEATURES).build())
        .layer(output(classes, classWeights).build())
        .setInputType(InputType.convolutional(height, width, channels))
        .build();
  }

  /** Settings every layer the train job builds shares, unless the layer sets its own. */
  static NeuralNetConfiguration.Builder defaults(OptimizerSettings optimizer, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.RELU)
        .updater(new Nesterovs(optimizer.learningRate(), optimizer.momentum()))
        .weightDecay(optimizer.weightDecay())
        .convolutionMode(ConvolutionMode.Same)
        // Keeps each convolution's forward intermediates for its backward pass instead of
        // recomputing
        // them, which trains faster on CPU (docs/design/dl4j-training.md).
        .cacheMode(CacheMode.DEVICE);
  }

  /**
   * The softmax output trained with cross-entropy against the target distribution (optionally
   * class-weighted).
   */
  static OutputLayer.Builder output(int classes, double[] classWeights) {
    LossMCXENT loss =
        classWeights == null ? new LossMCXENT() : new LossMCXENT(Nd4j.create(classWeights));
    return new OutputLayer.Builder(loss).nOut(classes).activation(Activation.SOFTMAX);
  }
}
