package dev.softlabels.train;

import dev.softlabels.config.UserError;
import dev.softlabels.dataset.TrainingData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Starting a training run from a trained network (softlabels.train.init-from): every layer but the
 * output is copied with its parameters, the output layer is rebuilt for the label table's classes
 * (or kept, parameters and all, when they are the classes the network was trained on), and for the
 * first frozen epochs only that new layer trains (DL4J's transfer learning: the layers below it run
 * as frozen feature extractors, in inference mode, so their parameters, batch-norm statistics
 * included, stay as they were).
 */
final class FineTuning {

  private FineTuning() {}

  /**
   * The network at {@code location}: a softlabels model directory (its best checkpoint), a DL4J
   * model zip (layer stack or graph), local or remote, or {@code imagenet}: the zoo {@code
   * network}'s ImageNet weights.
   */
  static NeuralNet load(
      SparkSession spark, String location, Network network, TrainingData.Shape shape) {
    if (location.equals(ZooNetworks.IMAGENET)) {
      return new NeuralNet.Graph(ZooNetworks.imagenet(network, shape));
    }
    if (!location.endsWith(".zip")) {
      Checkpoints checkpoints = new Checkpoints(spark, location);
      if (checkpoints.state(Checkpoints.BEST).isEmpty()) {
        throw new UserError(
            "softlabels.train.init-from: "
                + location
                + " is neither a model zip nor a model "
                + "directory with a best/ checkpoint (train's --model-dir), nor "
                + ZooNetworks.IMAGENET);
      }
      return checkpoints.network(Checkpoints.BEST);
    }
    Path zip = new Path(location);
    try {
      FileSystem fs = zip.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(zip)) {
        throw new UserError("softlabels.train.init-from: no model zip at " + location);
      }
      return NeuralNet.read(fs, zip, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model zip " + location, e);
    }
  }

  /**
   * The class names the network at {@code location} was trained on, as its best checkpoint records
   * them; empty for a model zip, the ImageNet weights and checkpoints that record none.
   */
  static List<String> classes(SparkSession spark, String location) {
    if (location.equals(ZooNetworks.IMAGENET) || location.endsWith(".zip")) {
      return List.of();
    }
    return new Checkpoints(spark, location)
        .state(Checkpoints.BEST)
        .map(TrainState::classes)
        .orElse(List.of());
  }

  /**
   * Whether a fine-tune keeps the pretrained output layer: asked to, and the classes the network
   * was trained on, as recorded, are the label table's, by name and order.
   */
  static boolean keepsOutput(boolean keepMatching, List<String> pretrained, List<String> table) {
    return keepMatching && !pretrained.isEmpty() && pretrained.equals(table);
  }

  /**
   * {@code started} (from {@link #start}, for as many classes as {@code pretrained} has) with the
   * pretrained output layer's parameters in place of the new layer's random ones.
   */
  static NeuralNet withOutputOf(NeuralNet pretrained, NeuralNet started) {
    INDArray trained = outputLayer(pretrained).params();
    org.deeplearning4j.nn.api.Layer output = outputLayer(started);
    if (!Arrays.equals(trained.shape(), output.params().shape())) {
      throw new IllegalStateException(
          "the pretrained output layer's parameters "
              + Arrays.toString(trained.shape())
              + " do not fit the new one's "
              + Arrays.toString(output.params().shape()));
    }
    output.setParams(trained.dup());
    return started;
  }

  private static org.deeplearning4j.nn.api.Layer outputLayer(NeuralNet network) {
    if (network instanceof NeuralNet.Graph graph) {
      ComputationGraph g = graph.graph();
      return g.getLayer(g.getConfiguration().getNetworkOutputs().get(0));
    }
    return ((NeuralNet.Stack) network).network().getOutputLayer();
  }

  /** The optimizer settings applied to every layer of a network that training starts from. */
  static FineTuneConfiguration tuning(OptimizerSettings optimizer, long seed) {
    return new FineTuneConfiguration.Builder()
        .updater(new Nesterovs(optimizer.learningRate(), optimizer.momentum()))
        .weightDecay(optimizer.weightDecay())
        .seed(seed)
        .build();
  }

  /**
   * {@code pretrained} with a new output layer for {@code classes}, trained with {@code optimizer};
   * everything below the output frozen when {@code freeze}.
   */
  static NeuralNet start(
      NeuralNet pretrained,
      int classes,
      OptimizerSettings optimizer,
      double[] classWeights,
      long seed,
      boolean freeze) {
    if (pretrained instanceof NeuralNet.Graph graph) {
      return new NeuralNet.Graph(
          start(graph.graph(), classes, optimizer, classWeights, seed, freeze));
    }
    MultiLayerNetwork stack = ((NeuralNet.Stack) pretrained).network();
    int output = stack.getnLayers() - 1;
    TransferLearning.Builder builder =
        new TransferLearning.Builder(stack)
            .fineTuneConfiguration(tuning(optimizer, seed))
            .removeOutputLayer()
            .addLayer(newOutput(stack.getLayer(output).conf().getLayer(), classes, classWeights));
    if (freeze) {
      builder.setFeatureExtractor(output - 1);
    }
    return new NeuralNet.Stack(builder.build());
  }

  private static ComputationGraph start(
      ComputationGraph pretrained,
      int classes,
      OptimizerSettings optimizer,
      double[] classWeights,
      long seed,
      boolean freeze) {
    ComputationGraphConfiguration conf = pretrained.getConfiguration();
    String output = conf.getNetworkOutputs().get(0);
    String[] below = conf.getVertexInputs().get(output).toArray(String[]::new);
    TransferLearning.GraphBuilder builder =
        new TransferLearning.GraphBuilder(pretrained)
            .fineTuneConfiguration(tuning(optimizer, seed))
            .removeVertexAndConnections(output)
            .addLayer(
                output,
                newOutput(
                    ((LayerVertex) conf.getVertices().get(output)).getLayerConf().getLayer(),
                    classes,
                    classWeights),
                below)
            .setOutputs(output);
    if (freeze) {
      builder.setFeatureExtractor(below);
    }
    return builder.build();
  }

  /** An output layer for {@code classes} in place of {@code old}, taking the same inputs. */
  private static Layer newOutput(Layer old, int classes, double[] classWeights) {
    if (!(old instanceof FeedForwardLayer last)) {
      throw new UserError(
          "softlabels.train.init-from: the network's last layer is not an output layer");
    }
    return Networks.output(classes, classWeights)
        .nIn(last.getNIn())
        .weightInit(WeightInit.XAVIER)
        .build();
  }

  static boolean isFrozen(NeuralNet network) {
    return network instanceof NeuralNet.Graph graph
        ? graph.graph().getConfiguration().getVertices().values().stream()
                .anyMatch(FrozenVertex.class::isInstance)
            || layers(graph.graph().getConfiguration()).anyMatch(FineTuning::isFrozen)
        : ((NeuralNet.Stack) network)
            .network().getLayerWiseConfigurations().getConfs().stream()
                .anyMatch(FineTuning::isFrozen);
  }

  /**
   * The same network and parameters with every layer trainable again (after the frozen epochs): a
   * frozen layer or vertex keeps its inner one's parameters in the same order, so one flat copy
   * carries them over.
   */
  static NeuralNet unfrozen(NeuralNet network) {
    String configuration;
    if (network instanceof NeuralNet.Graph graph) {
      ComputationGraphConfiguration conf = graph.graph().getConfiguration().clone();
      conf.getVertices()
          .replaceAll(
              (name, vertex) ->
                  vertex instanceof FrozenVertex frozen ? frozen.getUnderlying() : vertex);
      layers(conf).forEach(FineTuning::unfreeze);
      configuration = conf.toJson();
    } else {
      MultiLayerConfiguration conf =
          ((NeuralNet.Stack) network).network().getLayerWiseConfigurations().clone();
      conf.getConfs().forEach(FineTuning::unfreeze);
      configuration = conf.toJson();
    }
    return NeuralNet.of(configuration, network.params().dup());
  }

  private static Stream<NeuralNetConfiguration> layers(ComputationGraphConfiguration conf) {
    return conf.getVertices().values().stream()
        .filter(LayerVertex.class::isInstance)
        .map(vertex -> ((LayerVertex) vertex).getLayerConf());
  }

  private static boolean isFrozen(NeuralNetConfiguration layer) {
    return layer.getLayer() instanceof FrozenLayer;
  }

  private static void unfreeze(NeuralNetConfiguration layer) {
    if (layer.getLayer() instanceof FrozenLayer frozen) {
      layer.setLayer(frozen.getLayer());
    }
  }
}
