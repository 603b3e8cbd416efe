package dev.softlabels.train;

import dev.softlabels.config.UserError;
import dev.softlabels.dataset.TrainingData;
import java.io.File;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.VGG16;

/**
 * The DL4J zoo's architectures (softlabels.train.network resnet50, vgg16): the zoo's convolutional
 * body, built for the data's image shape, under softlabels' head (global average pooling named
 * {@link Networks#FEATURES}, then the softmax output) in place of the zoo's classifier, whose
 * pooling and dense layers are sized for 224-pixel ImageNet images. The same head goes on the zoo's
 * ImageNet weights ({@code init-from = imagenet}), where the zoo can download them.
 */
final class ZooNetworks {

  /** The init-from value that starts from the zoo's ImageNet weights. */
  static final String IMAGENET = "imagenet";

  private static final String OUTPUT = "output";

  private ZooNetworks() {}

  /** A new, initialised zoo network for images of {@code shape} and its classes. */
  static ComputationGraph build(
      Network network,
      TrainingData.Shape shape,
      OptimizerSettings optimizer,
      double[] classWeights,
      long seed) {
    // ResNet50's own pooling would shrink small images' last feature maps to nothing: its head goes
    // before the graph is built.
    ComputationGraphConfiguration.GraphBuilder graph =
        switch (network) {
          // He initialisation, as the cnn networks have: the zoo's default (a normal with deviation
          // 0.5) made the first epochs diverge here.
          case RESNET50 ->
              ResNet50.builder()
                  .seed(seed)
                  .inputShape(inputShape(shape))
                  .numClasses(shape.classes())
                  .weightInit(WeightInit.RELU.getWeightInitFunction())
                  .cacheMode(CacheMode.DEVICE)
                  .build()
                  .graphBuilder();
          case VGG16 ->
              new ComputationGraphConfiguration.GraphBuilder(
                  VGG16
                      .builder()
                      .seed(seed)
                      .inputShape(inputShape(shape))
                      .numClasses(shape.classes())
                      .cacheMode(CacheMode.DEVICE)
                      .build()
                      .conf(),
                  Networks.defaults(optimizer, seed));
          default -> throw new IllegalArgumentException(network + " is not a zoo network");
        };
    Body body = body(network);
    head(graph.getVertexInputs(), graph.getNetworkInputs(), body.vertex())
        .forEach(graph::removeVertex);
    ComputationGraph built =
        new ComputationGraph(
            graph
                .addLayer(
                    Networks.FEATURES,
                    new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
                    body.vertex())
                .addLayer(OUTPUT, output(body, shape.classes(), classWeights), Networks.FEATURES)
                .setOutputs(OUTPUT)
                .build());
    built.init();
    // The zoo's layers bring their own updater and regularisation: train them all as configured.
    return new TransferLearning.GraphBuilder(built)
        .fineTuneConfiguration(FineTuning.tuning(optimizer, seed))
        .build();
  }

  /**
   * The zoo's ImageNet-trained {@code network} with softlabels' head for images of {@code shape},
   * or a one-line error saying what could not be fetched and where the zoo keeps it.
   */
  static ComputationGraph imagenet(Network network, TrainingData.Shape shape) {
    ZooModel zoo =
        network == Network.RESNET50 ? ResNet50.builder().build() : VGG16.builder().build();
    ComputationGraph pretrained;
    try {
      pretrained = (ComputationGraph) zoo.initPretrained(PretrainedType.IMAGENET);
    } catch (IOException e) {
      String url = zoo.pretrainedUrl(PretrainedType.IMAGENET);
      File cache = DL4JResources.getDirectory(ResourceType.ZOO_MODEL, zoo.modelName());
      throw new UserError(
          "softlabels.train.init-from = imagenet: cannot download "
              + network
              + "'s ImageNet weights from "
              + url
              + " ("
              + e
              + "); the DL4J zoo caches them as "
              + new File(cache, new File(url).getName())
              + ": copy the file there, or set -D"
              + DL4JResources.DL4J_BASE_URL_PROPERTY
              + " to a mirror");
    }
    ComputationGraphConfiguration zooConf = pretrained.getConfiguration();
    Body body = body(network);
    TransferLearning.GraphBuilder graph = new TransferLearning.GraphBuilder(pretrained);
    head(zooConf.getVertexInputs(), zooConf.getNetworkInputs(), body.vertex())
        .forEach(graph::removeVertexAndConnections);
    return graph
        .addLayer(
            Networks.FEATURES,
            new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
            body.vertex())
        .addLayer(OUTPUT, output(body, shape.classes(), null), Networks.FEATURES)
        .setOutputs(OUTPUT)
        .build();
  }

  /** The softmax output on the body's pooled feature maps. */
  private static OutputLayer output(Body body, int classes, double[] classWeights) {
    return Networks.output(classes, classWeights)
        .nIn(body.channels())
        .weightInit(WeightInit.XAVIER)
        .build();
  }

  /**
   * The zoo vertex whose activations are the last convolutional feature maps, and their channels.
   */
  private record Body(String vertex, int channels) {}

  private static Body body(Network network) {
    return switch (network) {
      case RESNET50 -> new Body("res5c_branch", 2048);
      case VGG16 ->
          new Body(
              "17", 512); // the fifth block's max pooling; 18-20 are the zoo's dense classifier
      default -> throw new IllegalArgumentException(network + " is not a zoo network");
    };
  }

  /**
   * Every vertex that {@code body} does not depend on (the zoo's classifier), given each vertex's
   * inputs.
   */
  static Set<String> head(
      Map<String, List<String>> vertexInputs, List<String> networkInputs, String body) {
    if (!vertexInputs.containsKey(body)) {
      throw new IllegalStateException(
          "the zoo's graph has no vertex '" + body + "' (its last feature maps)");
    }
    Set<String> kept = new HashSet<>(networkInputs);
    Deque<String> pending = new ArrayDeque<>(List.of(body));
    while (!pending.isEmpty()) {
      String vertex = pending.pop();
      if (kept.add(vertex)) {
        pending.addAll(vertexInputs.getOrDefault(vertex, List.of()));
      }
    }
    Set<String> head = new HashSet<>(vertexInputs.keySet());
    head.removeAll(kept);
    return head;
  }

  private static int[] inputShape(TrainingData.Shape shape) {
    return new int[] {shape.channels(), shape.height(), shape.width()};
  }
}
