package dev.softlabels.train;

import dev.softlabels.config.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A network the jobs train and score. DL4J has two unrelated classes for networks, each with its
 * own Spark wrapper: a layer stack ({@link MultiLayerNetwork}, the cnn family) and a computation
 * graph ({@link ComputationGraph}, the zoo's ResNet50 and VGG16); this is the one type the jobs
 * pass around.
 */
public sealed interface NeuralNet permits NeuralNet.Stack, NeuralNet.Graph {

  /** The DL4J network (parameters, updater, serialisation). */
  Model model();

  /** The configuration as DL4J's JSON. */
  String configurationJson();

  void setLearningRate(double learningRate);

  /** The softmax output (inference mode): the predicted class distributions. */
  INDArray output(INDArray input);

  /**
   * The activations of the layer {@link Networks#FEATURES} (inference mode): the images' feature
   * vectors.
   */
  INDArray features(INDArray input);

  /** Stops with a message when the network has no {@link Networks#FEATURES} layer. */
  void requireFeatures();

  /** This network under Spark parameter averaging with {@code master}. */
  Distributed distributed(JavaSparkContext context, TrainingMaster master);

  default INDArray params() {
    return model().params();
  }

  /** Writes the network with its updater state as a DL4J model zip. */
  default void write(OutputStream out) throws IOException {
    ModelSerializer.writeModel(model(), out, true);
  }

  /** The network a configuration (of either kind) and a flat parameter vector describe. */
  static NeuralNet of(String configurationJson, INDArray parameters) {
    if (isGraph(configurationJson)) {
      ComputationGraph graph =
          new ComputationGraph(ComputationGraphConfiguration.fromJson(configurationJson));
      graph.init(parameters, false);
      return new Graph(graph);
    }
    MultiLayerNetwork network =
        new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
    network.init(parameters, false);
    return new Stack(network);
  }

  /** A DL4J model zip of either kind, with its updater state when {@code withUpdater}. */
  static NeuralNet read(FileSystem fs, Path zip, boolean withUpdater) throws IOException {
    boolean graph;
    try (ZipInputStream entries = new ZipInputStream(fs.open(zip))) {
      graph =
          configuration(entries)
              .map(NeuralNet::isGraph)
              .orElseThrow(
                  () ->
                      new UserError(
                          zip + " is not a DL4J model zip (it has no configuration.json)"));
    }
    try (InputStream in = fs.open(zip)) {
      return graph
          ? new Graph(ModelSerializer.restoreComputationGraph(in, withUpdater))
          : new Stack(ModelSerializer.restoreMultiLayerNetwork(in, withUpdater));
    }
  }

  private static Optional<String> configuration(ZipInputStream entries) throws IOException {
    for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
      if (entry.getName().equals("configuration.json")) {
        return Optional.of(new String(entries.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** A graph's configuration lists vertices; a layer stack's lists layer configurations. */
  private static boolean isGraph(String configurationJson) {
    return configurationJson.contains("\"vertices\"");
  }

  /**
   * A network being trained with Spark parameter averaging: fit on minibatches in memory, or on
   * minibatch files read with a loader; network() is the driver's copy, averaged after each fit.
   */
  record Distributed(
      Consumer<JavaRDD<DataSet>> inMemory,
      BiConsumer<JavaRDD<String>, DataSetLoader> files,
      Supplier<NeuralNet> driverCopy) {

    public void fit(JavaRDD<DataSet> minibatches) {
      inMemory.accept(minibatches);
    }

    public void fitPaths(JavaRDD<String> paths, DataSetLoader loader) {
      files.accept(paths, loader);
    }

    public NeuralNet network() {
      return driverCopy.get();
    }
  }

  /** A layer stack: softlabels' cnn networks. */
  record Stack(MultiLayerNetwork network) implements NeuralNet {

    @Override
    public Model model() {
      return network;
    }

    @Override
    public String configurationJson() {
      return network.getLayerWiseConfigurations().toJson();
    }

    @Override
    public void setLearningRate(double learningRate) {
      network.setLearningRate(learningRate);
    }

    @Override
    public INDArray output(INDArray input) {
      return network.output(input, false);
    }

    @Override
    public INDArray features(INDArray input) {
      int layer = featuresIndex();
      // feedForwardToLayer returns the input first, then each layer's activations.
      return network.feedForwardToLayer(layer, input, false).get(layer + 1);
    }

    @Override
    public void requireFeatures() {
      featuresIndex();
    }

    private int featuresIndex() {
      Layer[] layers = network.getLayers();
      for (int i = 0; i < layers.length; i++) {
        if (Networks.FEATURES.equals(layers[i].conf().getLayer().getLayerName())) {
          return i;
        }
      }
      throw noFeatures();
    }

    @Override
    public Distributed distributed(JavaSparkContext context, TrainingMaster master) {
      SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(context, network, master);
      return new Distributed(spark::fit, spark::fitPaths, () -> new Stack(spark.getNetwork()));
    }
  }

  /** A computation graph: the zoo's architectures. */
  record Graph(ComputationGraph graph) implements NeuralNet {

    @Override
    public Model model() {
      return graph;
    }

    @Override
    public String configurationJson() {
      return graph.getConfiguration().toJson();
    }

    /**
     * Sets each trainable layer's rate in its updater configuration, which the layer's running
     * updater and the configuration Spark sends to the workers both read. DL4J's own
     * ComputationGraph.setLearningRate regroups the updater state when layers had different rates
     * (the new output layer's and the unfrozen layers' after frozen epochs) and fails on graphs
     * with non-layer vertices (NullPointerException in NetworkUtils.rebuildUpdaterStateArray,
     * M2.1).
     */
    @Override
    public void setLearningRate(double learningRate) {
      for (Layer layer : graph.getLayers()) {
        if (layer.conf().getLayer() instanceof BaseLayer trainable
            && trainable.getIUpdater() != null) {
          trainable.getIUpdater().setLrAndSchedule(learningRate, null);
        }
      }
    }

    @Override
    public INDArray output(INDArray input) {
      return graph.outputSingle(false, input);
    }

    @Override
    public INDArray features(INDArray input) {
      requireFeatures();
      return graph.feedForward(input, false).get(Networks.FEATURES);
    }

    @Override
    public void requireFeatures() {
      if (graph.getVertex(Networks.FEATURES) == null) {
        throw noFeatures();
      }
    }

    @Override
    public Distributed distributed(JavaSparkContext context, TrainingMaster master) {
      SparkComputationGraph spark = new SparkComputationGraph(context, graph, master);
      return new Distributed(spark::fit, spark::fitPaths, () -> new Graph(spark.getNetwork()));
    }
  }

  private static UserError noFeatures() {
    return new UserError(
        "the model has no layer named '"
            + Networks.FEATURES
            + "' (the global-average-pooling layer the train job's networks have)");
  }
}
