package dev.softlabels.train;

import dev.softlabels.config.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Starting a training run from a trained network (softlabels.train.init-from): every layer but the
 * output is copied with its parameters, the output layer is rebuilt for the label table's classes,
 * and for the first frozen epochs only that new layer trains (DL4J's transfer learning: the layers
 * below it run as frozen feature extractors, in inference mode, so their parameters, batch-norm
 * statistics included, stay as they were).
 */
final class FineTuning {

  private FineTuning() {}

  /**
   * The network at {@code location}: a softlabels model directory (its best checkpoint) or a DL4J
   * MultiLayerNetwork zip, local or remote.
   */
  static MultiLayerNetwork load(SparkSession spark, String location) {
    if (!location.endsWith(".zip")) {
      Checkpoints checkpoints = new Checkpoints(spark, location);
      if (checkpoints.state(Checkpoints.BEST).isEmpty()) {
        throw new UserError("softlabels.train.init-from: " + location + " is neither a model zip nor a model "
            + "directory with a best/ checkpoint (train's --model-dir)");
      }
      return checkpoints.network(Checkpoints.BEST);
    }
    Path zip = new Path(location);
    try {
      FileSystem fs = zip.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(zip)) {
        throw new UserError("softlabels.train.init-from: no model zip at " + location);
      }
      try (InputStream in = fs.open(zip)) {
        return ModelSerializer.restoreMultiLayerNetwork(in, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model zip " + location, e);
    }
  }

  /**
   * {@code pretrained} with a new output layer for {@code classes}, trained with {@code optimizer};
   * everything below the output frozen when {@code freeze}.
   */
  static MultiLayerNetwork start(MultiLayerNetwork pretrained, int classes, OptimizerSettings optimizer,
      double[] classWeights, long seed, boolean freeze) {
    int output = pretrained.getnLayers() - 1;
    if (!(pretrained.getLayer(output).conf().getLayer() instanceof FeedForwardLayer last)) {
      throw new UserError("softlabels.train.init-from: the network's last layer is not an output layer");
    }
    TransferLearning.Builder builder = new TransferLearning.Builder(pretrained)
        .fineTuneConfiguration(new FineTuneConfiguration.Builder()
            .updater(new Nesterovs(optimizer.learningRate(), optimizer.momentum()))
            .weightDecay(optimizer.weightDecay())
            .seed(seed)
            .build())
        .removeOutputLayer()
        .addLayer(Networks.output(classes, classWeights).nIn(last.getNIn()).weightInit(WeightInit.XAVIER).build());
    if (freeze) {
      builder.setFeatureExtractor(output - 1);
    }
    return builder.build();
  }

  static boolean isFrozen(MultiLayerNetwork network) {
    return network.getLayerWiseConfigurations().getConfs().stream()
        .anyMatch(conf -> conf.getLayer() instanceof FrozenLayer);
  }

  /** The same network and parameters with every layer trainable again (after the frozen epochs). */
  static MultiLayerNetwork unfrozen(MultiLayerNetwork network) {
    MultiLayerConfiguration configuration = network.getLayerWiseConfigurations().clone();
    for (NeuralNetConfiguration layer : configuration.getConfs()) {
      if (layer.getLayer() instanceof FrozenLayer frozen) {
        layer.setLayer(frozen.getLayer());
      }
    }
    MultiLayerNetwork trainable = new MultiLayerNetwork(configuration);
    // A frozen layer keeps its inner layer's parameters in the same order: one flat copy carries them.
    trainable.init(network.params().dup(), false);
    return trainable;
  }
}
