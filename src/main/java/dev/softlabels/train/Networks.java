package dev.softlabels.train;

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
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The networks the train job can build: conv blocks with batch norm, a global average pooling layer
 * (whose activations later jobs read as the image's feature vector) and a softmax output trained
 * with cross-entropy against the target distribution (KL up to a constant, so soft targets work).
 */
public final class Networks {

  /** Name of the global-average-pooling layer, read as the feature vector. */
  public static final String FEATURES = "features";

  private Networks() {}

  /**
   * @param network cnn (small, for CPUs) or cnn-large (deeper and wider, for GPU clusters)
   * @param classWeights per-class loss weights, or null for none
   */
  public static MultiLayerConfiguration build(Network network, int channels, int height, int width, int classes,
      OptimizerSettings optimizer, double[] classWeights, long seed) {
    int[] widths = network.widths();
    NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.RELU)
        .updater(new Nesterovs(optimizer.learningRate(), optimizer.momentum()))
        .weightDecay(optimizer.weightDecay())
        .convolutionMode(ConvolutionMode.Same)
        // Keeps each convolution's forward intermediates for its backward pass instead of recomputing
        // them: 1.5x training throughput on CPU here (README, Performance).
        .cacheMode(CacheMode.DEVICE)
        .list();
    for (int block = 0; block < widths.length; block++) {
      for (int c = 0; c < network.convolutionsPerBlock(); c++) {
        layers.layer(new ConvolutionLayer.Builder(3, 3).nOut(widths[block]).activation(Activation.IDENTITY).build())
            .layer(new BatchNormalization.Builder().build())
            .layer(new ActivationLayer.Builder().activation(new VectorisedRelu()).build());
      }
      if (block < widths.length - 1) {
        layers.layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
      }
    }
    return layers
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).name(FEATURES).build())
        .layer(output(classes, classWeights).build())
        .setInputType(InputType.convolutional(height, width, channels))
        .build();
  }

  /** The softmax output trained with cross-entropy against the target distribution (optionally class-weighted). */
  static OutputLayer.Builder output(int classes, double[] classWeights) {
    LossMCXENT loss = classWeights == null ? new LossMCXENT() : new LossMCXENT(Nd4j.create(classWeights));
    return new OutputLayer.Builder(loss).nOut(classes).activation(Activation.SOFTMAX);
  }
}
