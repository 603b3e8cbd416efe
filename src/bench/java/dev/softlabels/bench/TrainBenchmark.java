package dev.softlabels.bench;

import com.typesafe.config.Config;
import dev.softlabels.config.Choices;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.TrainingData;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.train.Minibatches;
import dev.softlabels.train.Networks;
import dev.softlabels.train.NeuralNet;
import dev.softlabels.train.TrainJob;
import dev.softlabels.train.TrainSettings;
import dev.softlabels.train.VectorisedRelu;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Training throughput of two networks on the same minibatches of generated images, three ways: DL4J
 * in one JVM ({@code MultiLayerNetwork.fit}), DL4J with Spark parameter averaging in the given
 * session, and PyTorch on the same CPU ({@code src/bench/python/torch_train.py}, skipped with a
 * message where Debian's python3-torch is missing), plus parameter averaging on plain threads
 * without Spark, the ceiling of the Spark figure on this machine. The networks: the issue's
 * reference CNN (conv 3x3x16 + ReLU, max-pool, conv 3x3x64 + ReLU, global average pool, dense +
 * softmax; Adam 2e-3) and the project's configured one.
 */
final class TrainBenchmark {

  /** The reference network's name, here and in the PyTorch script. */
  static final String SMALL_CNN = "small-cnn";

  private static final double SMALL_CNN_LEARNING_RATE = 2e-3;
  private static final int TORCH_SKIPPED = 3;

  private TrainBenchmark() {}

  /**
   * Examples per second of one network, each way; torch is NaN when skipped. threads is parameter
   * averaging without Spark (see {@link #averagedThreads}), the ceiling of the spark figure.
   */
  public record Figures(String network, double single, double threads, double spark, double torch) {
    public double sparkToSingle() {
      return spark / single;
    }

    public double threadsToSingle() {
      return threads / single;
    }

    public double singleToTorch() {
      return single / torch;
    }
  }

  /**
   * @param repeats runs of each side, interleaved; the figures are their medians
   */
  public static List<Figures> run(
      SparkSession spark,
      Config config,
      long images,
      int size,
      int epochs,
      int repeats,
      String work,
      PrintWriter out) {
    TrainSettings settings =
        GeneratedImages.settings(spark, config, "train", images, size, work, out);
    if (settings.network().fromZoo()) {
      throw new UserError(
          "bench train compares the layer-stack networks (cnn, cnn-medium, cnn-large), also with "
              + "PyTorch; "
              + settings.network()
              + " is a DL4J zoo graph");
    }
    TrainingData.Prepared data = TrainingData.prepare(spark, settings.data());
    try {
      TrainingData.Shape shape = data.shape();
      JavaRDD<DataSet> batches =
          TrainingData.batches(data.examples(), shape, settings.batchSizePerWorker()).cache();
      // The single-JVM side needs the minibatches in the driver: that is what it measures.
      List<DataSet> local = new ArrayList<>(batches.collect());
      long examples = local.stream().mapToLong(DataSet::numExamples).sum();
      Path exported = export(local, Path.of(work, "train-examples-" + images + "-" + size));
      String torchShape =
          examples
              + ","
              + shape.channels()
              + ","
              + shape.height()
              + ","
              + shape.width()
              + ","
              + shape.classes();
      out.printf(
          Locale.ROOT,
          "%,d examples of %dx%d px, minibatches of %d, %d timed epochs after one warm-up%n",
          examples,
          shape.width(),
          shape.height(),
          settings.batchSizePerWorker(),
          epochs);

      Minibatches minibatches =
          Minibatches.of(
              spark, batches, settings.trainingApproach(), HadoopPaths.child(work, "train-export"));
      try {
        List<Figures> all = new ArrayList<>();
        for (String network : List.of(SMALL_CNN, settings.network().toString())) {
          Supplier<MultiLayerNetwork> fresh = () -> newNetwork(network, settings, shape);
          int threads = Runtime.getRuntime().availableProcessors();
          double[] torch = new double[repeats];
          double[] single = new double[repeats];
          double[] averaged = new double[repeats];
          double[] distributed = new double[repeats];
          for (int r = 0; r < repeats; r++) {
            String round =
                repeats == 1
                    ? network
                    : String.format(Locale.ROOT, "%s, run %d/%d", network, r + 1, repeats);
            // PyTorch first, on an otherwise idle machine: after DL4J's runs the JVM's JIT
            // compilers
            // may still be busy for a while.
            torch[r] = torch(round, network, settings, exported, torchShape, epochs, out);
            single[r] = single(fresh.get(), local, examples, epochs, threads);
            out.printf(
                Locale.ROOT,
                "%s: DL4J single JVM (oneDNN on %d threads, ND4J's own loops on %d): %,.0f examples/s%n",
                round,
                threads,
                Nd4j.getEnvironment().maxThreads(),
                single[r]);
            out.flush();
            MultiLayerNetwork template = fresh.get();
            List<MultiLayerNetwork> workers =
                IntStream.range(0, threads).mapToObj(w -> template.clone()).toList();
            averaged[r] =
                averagedThreads(workers, local, examples, epochs, settings.averagingFrequency());
            out.printf(
                Locale.ROOT,
                "%s: parameter averaging without Spark (%d threads in this JVM, one native "
                    + "thread and one network each, kept between rounds; every %d minibatches): %,.0f examples/s%n",
                round,
                threads,
                settings.averagingFrequency(),
                averaged[r]);
            out.flush();
            distributed[r] = spark(spark, settings, fresh.get(), minibatches, examples, epochs);
            out.printf(
                Locale.ROOT,
                "%s: DL4J Spark parameter averaging (%s, every %d minibatches, repartition %s): "
                    + "%,.0f examples/s%n",
                round,
                spark.sparkContext().master(),
                settings.averagingFrequency(),
                Choices.name(settings.repartition()),
                distributed[r]);
            out.flush();
          }
          Figures figures =
              new Figures(
                  network, median(single), median(averaged), median(distributed), median(torch));
          if (repeats > 1) {
            out.printf(
                Locale.ROOT,
                "%s: medians of %d runs: PyTorch %,.0f, DL4J single JVM %,.0f, averaging "
                    + "without Spark %,.0f, Spark %,.0f examples/s%n",
                network,
                repeats,
                figures.torch(),
                figures.single(),
                figures.threads(),
                figures.spark());
          }
          out.printf(
              Locale.ROOT,
              "%s: Spark / single JVM %.2fx (averaging without Spark / single JVM %.2fx); "
                  + "DL4J single JVM / PyTorch %s%n",
              network,
              figures.sparkToSingle(),
              figures.threadsToSingle(),
              Double.isNaN(figures.torch())
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.2fx", figures.singleToTorch()));
          out.flush();
          all.add(figures);
        }
        return all;
      } finally {
        minibatches.release();
        batches.unpersist();
      }
    } finally {
      data.examples().unpersist();
    }
  }

  /**
   * One JVM with every core for the native work, as PyTorch gets them. The launcher starts the JVM
   * with one native thread per Spark task slot (OMP_NUM_THREADS=1), and ND4J fixes its own loops'
   * thread count at start; OpenMP's count is per calling thread, so raising it here gives this
   * thread's oneDNN layers every core while the Spark tasks keep one each.
   */
  private static double single(
      MultiLayerNetwork network, List<DataSet> batches, long examples, int epochs, int threads) {
    NativeOps nativeOps = NativeOpsHolder.getInstance().getDeviceNativeOps();
    int before = nativeOps.ompGetMaxThreads();
    nativeOps.setOmpNumThreads(threads);
    try {
      return examplesPerSecond(() -> batches.forEach(network::fit), examples, epochs);
    } finally {
      nativeOps.setOmpNumThreads(before);
    }
  }

  /**
   * Parameter averaging as Spark's workers do it, minus Spark: one thread per network, each with
   * one native thread (as a task slot gets) and an equal share of the minibatches, fitting {@code
   * frequency} minibatches, then waiting for the others while the parameters and updater states are
   * averaged into every network. The networks are kept between rounds (DL4J's worker builds a new
   * one per round), so the figure is the most parameter averaging can reach here. After one warm-up
   * epoch, times {@code epochs} epochs; the networks end averaged.
   */
  static double averagedThreads(
      List<MultiLayerNetwork> networks,
      List<DataSet> batches,
      long examples,
      int epochs,
      int frequency) {
    int workers = networks.size();
    List<List<DataSet>> shares =
        IntStream.range(0, workers)
            .mapToObj(
                w ->
                    batches.subList(
                        w * batches.size() / workers, (w + 1) * batches.size() / workers))
            .toList();
    int rounds = (shares.stream().mapToInt(List::size).max().orElse(0) + frequency - 1) / frequency;
    Phaser averaging =
        new Phaser(workers) {
          @Override
          protected boolean onAdvance(int phase, int registeredParties) {
            average(networks);
            return false;
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      return examplesPerSecond(
          () -> averagedEpoch(pool, networks, shares, rounds, frequency, averaging),
          examples,
          epochs);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void averagedEpoch(
      ExecutorService pool,
      List<MultiLayerNetwork> networks,
      List<List<DataSet>> shares,
      int rounds,
      int frequency,
      Phaser averaging) {
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < networks.size(); w++) {
      MultiLayerNetwork network = networks.get(w);
      List<DataSet> share = shares.get(w);
      running.add(
          pool.submit(
              () -> {
                try {
                  NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
                  for (int round = 0; round < rounds; round++) {
                    share
                        .subList(
                            Math.min(round * frequency, share.size()),
                            Math.min((round + 1) * frequency, share.size()))
                        .forEach(network::fit);
                    if (averaging.arriveAndAwaitAdvance() < 0) {
                      throw new CancellationException("another training thread failed");
                    }
                  }
                  return null;
                } catch (Throwable failure) {
                  // Termination is permanent: it releases the threads waiting now and those that
                  // arrive later, which would otherwise wait forever for this one.
                  averaging.forceTermination();
                  throw failure;
                }
              }));
    }
    Throwable failure = null;
    for (Future<?> worker : running) {
      try {
        worker.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while training", e);
      } catch (ExecutionException e) {
        // The thread that failed, not the others it stopped.
        if (failure == null || failure instanceof CancellationException) {
          failure = e.getCause();
        }
      }
    }
    if (failure != null) {
      throw new IllegalStateException("a training thread failed: " + failure, failure);
    }
  }

  /** Every network gets the mean of their parameters and of their updater states. */
  static void average(List<MultiLayerNetwork> networks) {
    INDArray params = networks.get(0).params().dup();
    INDArray updaterState = networks.get(0).getUpdater().getStateViewArray().dup();
    for (MultiLayerNetwork network : networks.subList(1, networks.size())) {
      params.addi(network.params());
      updaterState.addi(network.getUpdater().getStateViewArray());
    }
    params.divi(networks.size());
    updaterState.divi(networks.size());
    for (MultiLayerNetwork network : networks) {
      network.params().assign(params);
      network.getUpdater().getStateViewArray().assign(updaterState);
    }
  }

  private static double spark(
      SparkSession spark,
      TrainSettings settings,
      MultiLayerNetwork network,
      Minibatches minibatches,
      long examples,
      int epochs) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    NeuralNet.Distributed distributed =
        new NeuralNet.Stack(network)
            .distributed(context, TrainJob.trainingMaster(context, settings));
    return examplesPerSecond(
        () -> minibatches.fit(distributed, settings.augmentation(), settings.seed(), 0),
        examples,
        epochs);
  }

  /**
   * Examples per second over {@code epochs} runs of {@code epoch}, after one untimed warm-up run.
   */
  private static double examplesPerSecond(Runnable epoch, long examples, int epochs) {
    epoch.run();
    long started = System.nanoTime();
    for (int e = 0; e < epochs; e++) {
      epoch.run();
    }
    return epochs * examples / ((System.nanoTime() - started) / 1e9);
  }

  /**
   * PyTorch's examples/s on the exported examples, or NaN (with the reason printed) when it cannot
   * run.
   */
  private static double torch(
      String label,
      String network,
      TrainSettings settings,
      Path exported,
      String shape,
      int epochs,
      PrintWriter out) {
    Path script =
        Path.of(
            System.getProperty("softlabels.home", "."), "src", "bench", "python", "torch_train.py");
    boolean small = network.equals(SMALL_CNN);
    List<String> command =
        List.of(
            python(),
            script.toString(),
            "--features",
            exported.resolve("features.f32").toString(),
            "--targets",
            exported.resolve("targets.f32").toString(),
            "--shape",
            shape,
            "--network",
            network,
            "--optimizer",
            small ? "adam" : "nesterov",
            "--learning-rate",
            String.valueOf(small ? SMALL_CNN_LEARNING_RATE : settings.optimizer().learningRate()),
            "--batch",
            String.valueOf(settings.batchSizePerWorker()),
            "--epochs",
            String.valueOf(epochs),
            "--threads",
            String.valueOf(Runtime.getRuntime().availableProcessors()));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        output = reader.lines().collect(Collectors.joining("\n"));
      }
      int status = process.waitFor();
      if (status == TORCH_SKIPPED) {
        out.printf(Locale.ROOT, "%s: PyTorch skipped: %s%n", label, output.strip());
        return Double.NaN;
      }
      String line =
          output
              .lines()
              .filter(l -> l.startsWith("examples_per_second "))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the PyTorch benchmark failed (exit " + status + "):\n" + output));
      double torch = Double.parseDouble(line.substring("examples_per_second ".length()));
      out.printf(
          Locale.ROOT,
          "%s: PyTorch %s (%d threads): %,.0f examples/s%n",
          label,
          torchVersion(output),
          Runtime.getRuntime().availableProcessors(),
          torch);
      return torch;
    } catch (IOException e) {
      out.printf(
          Locale.ROOT,
          "%s: PyTorch skipped: cannot run %s (%s)%n",
          label,
          command.get(0),
          e.getMessage());
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for PyTorch", e);
    }
  }

  /** The median (mean of the middle two for an even count); NaN stays NaN (PyTorch skipped). */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static String torchVersion(String output) {
    return output
        .lines()
        .filter(l -> l.startsWith("torch "))
        .findFirst()
        .map(l -> l.substring(6))
        .orElse("");
  }

  /** Debian's python3 (where apt installs python3-torch) unless SOFTLABELS_PYTHON names another. */
  private static String python() {
    String configured = System.getenv("SOFTLABELS_PYTHON");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /**
   * features.f32 (N x C x H x W) and targets.f32 (N x K), little-endian float32, in minibatch
   * order.
   */
  private static Path export(List<DataSet> batches, Path directory) {
    try {
      Files.createDirectories(directory);
      try (OutputStream features = Files.newOutputStream(directory.resolve("features.f32"));
          OutputStream targets = Files.newOutputStream(directory.resolve("targets.f32"))) {
        for (DataSet batch : batches) {
          features.write(littleEndian(batch.getFeatures()));
          targets.write(littleEndian(batch.getLabels()));
        }
      }
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] littleEndian(INDArray array) {
    float[] values = Minibatches.cOrderFloats(array);
    ByteBuffer buffer =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }

  /** The reference network, or else the configured one. */
  private static MultiLayerNetwork newNetwork(
      String name, TrainSettings settings, TrainingData.Shape shape) {
    MultiLayerConfiguration configuration =
        name.equals(SMALL_CNN)
            ? smallCnn(shape, settings.seed())
            : Networks.build(
                settings.network(),
                shape.channels(),
                shape.height(),
                shape.width(),
                shape.classes(),
                settings.optimizer(),
                settings.classWeights(),
                settings.seed());
    MultiLayerNetwork network = new MultiLayerNetwork(configuration);
    network.init();
    return network;
  }

  /** The reference network, as src/bench/python/torch_train.py builds it in PyTorch. */
  static MultiLayerConfiguration smallCnn(TrainingData.Shape shape, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.RELU)
        .updater(new Adam(SMALL_CNN_LEARNING_RATE))
        .convolutionMode(ConvolutionMode.Same)
        .cacheMode(CacheMode.DEVICE)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).activation(new VectorisedRelu()).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).activation(new VectorisedRelu()).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(
            new OutputLayer.Builder(new LossMCXENT())
                .nOut(shape.classes())
                .activation(Activation.SOFTMAX)
                .build())
        .setInputType(InputType.convolutional(shape.height(), shape.width(), shape.channels()))
        .build();
  }
}
