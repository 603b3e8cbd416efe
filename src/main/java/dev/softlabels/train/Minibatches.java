package dev.softlabels.train;

import dev.softlabels.dataset.Augmentation;
import dev.softlabels.spark.HadoopConfSnapshot;
import dev.softlabels.spark.HadoopPaths;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training minibatches parameter averaging streams through every epoch: written once as files
 * every executor can read (export), or handed to DL4J as an RDD of DataSets decoded from the cached
 * examples each round (direct, for clusters without a shared export directory). The files are raw
 * little-endian float32 behind a small header, read with one bulk copy: DL4J's own export format
 * reads every value through a DataInputStream and a boxed Float, which dominated the Spark side's
 * reading time (docs/design/dl4j-training.md).
 */
public final class Minibatches {

  /** "SLMB": the first four bytes of every minibatch file. */
  static final int MAGIC = 0x534c4d42;

  /** magic, examples, channels, height, width, classes. */
  private static final int HEADER_INTS = 6;

  private static final Logger LOG = LoggerFactory.getLogger(Minibatches.class);

  private final JavaRDD<String> files;
  private final JavaRDD<DataSet> inMemory;
  private final String directory;
  private final SparkSession spark;

  private Minibatches(
      SparkSession spark, JavaRDD<String> files, JavaRDD<DataSet> inMemory, String directory) {
    this.spark = spark;
    this.files = files;
    this.inMemory = inMemory;
    this.directory = directory;
  }

  /**
   * @param approach AUTO exports in local mode or to a remote directory (s3a://, hdfs://), which
   *     every executor sees, and passes the RDD through otherwise
   * @param exportDir where the export approach writes, in a new subdirectory
   */
  public static Minibatches of(
      SparkSession spark, JavaRDD<DataSet> batches, TrainingApproach approach, String exportDir) {
    boolean export =
        switch (approach) {
          case EXPORT -> true;
          case DIRECT -> false;
          case AUTO -> spark.sparkContext().isLocal() || isRemote(exportDir);
        };
    if (!export) {
      LOG.info("train: minibatches decoded from the cached examples every round (direct approach)");
      return new Minibatches(spark, null, batches, null);
    }
    long started = System.nanoTime();
    // A directory of its own: export-dir may be shared by runs, and release() deletes only this
    // one.
    String directory = HadoopPaths.child(exportDir, "minibatches-" + UUID.randomUUID());
    HadoopConfSnapshot conf = new HadoopConfSnapshot(spark);
    JavaRDD<String> files =
        batches
            .mapPartitionsWithIndex(
                (partition, partitionBatches) -> {
                  HadoopPaths paths = HadoopPaths.of(conf.toConfiguration());
                  List<String> written = new ArrayList<>();
                  while (partitionBatches.hasNext()) {
                    String path =
                        HadoopPaths.child(
                            directory,
                            String.format(
                                Locale.ROOT,
                                "part-%05d-%06d.minibatch",
                                partition,
                                written.size()));
                    paths.writeBytes(path, encode(partitionBatches.next()));
                    written.add(path);
                  }
                  return written.iterator();
                },
                true)
            .cache();
    long count = files.count();
    LOG.info(
        String.format(
            Locale.ROOT,
            "train: %,d minibatches written to %s (%.1f s)",
            count,
            directory,
            (System.nanoTime() - started) / 1e9));
    return new Minibatches(spark, files, null, directory);
  }

  /**
   * One pass of parameter averaging over every minibatch, each augmented with the draws of (seed,
   * epoch, minibatch) as it is read.
   */
  public void fit(NeuralNet.Distributed network, Augmentation augmentation, long seed, int epoch) {
    if (files != null) {
      network.fitPaths(files, new Loader(augmentation, seed, epoch));
    } else if (augmentation.isNone()) {
      network.fit(inMemory);
    } else {
      network.fit(
          inMemory.mapPartitionsWithIndex(
              (partition, batches) -> {
                List<DataSet> augmented = new ArrayList<>();
                while (batches.hasNext()) {
                  DataSet batch = batches.next();
                  long[] shape = batch.getFeatures().shape();
                  float[] features = cOrderFloats(batch.getFeatures());
                  augmentation.apply(
                      features,
                      (int) shape[0],
                      (int) shape[1],
                      (int) shape[2],
                      (int) shape[3],
                      Augmentation.random(seed, epoch, partition + "-" + augmented.size()));
                  augmented.add(
                      new DataSet(Nd4j.create(features, shape, DataType.FLOAT), batch.getLabels()));
                }
                return augmented.iterator();
              },
              true));
    }
  }

  /** Deletes the exported files (the direct approach's RDD belongs to the caller). */
  public void release() {
    if (files != null) {
      files.unpersist();
      HadoopPaths.of(spark).delete(directory);
    }
  }

  /**
   * A minibatch as a file: the header, then the features (N x C x H x W) and targets (N x K) in C
   * order.
   */
  static byte[] encode(DataSet batch) {
    INDArray features = batch.getFeatures();
    INDArray targets = batch.getLabels();
    long[] shape = features.shape();
    ByteBuffer buffer =
        ByteBuffer.allocate(
                Integer.BYTES * HEADER_INTS
                    + Float.BYTES * (int) (features.length() + targets.length()))
            .order(ByteOrder.LITTLE_ENDIAN);
    buffer
        .putInt(MAGIC)
        .putInt((int) shape[0])
        .putInt((int) shape[1])
        .putInt((int) shape[2])
        .putInt((int) shape[3])
        .putInt((int) targets.size(1));
    FloatBuffer floats = buffer.asFloatBuffer();
    floats.put(cOrderFloats(features));
    floats.put(cOrderFloats(targets));
    return buffer.array();
  }

  /** A minibatch file's examples, augmented with {@code random}'s draws. */
  static DataSet decode(
      byte[] bytes, String path, Augmentation augmentation, SplittableRandom random) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < Integer.BYTES * HEADER_INTS || buffer.getInt() != MAGIC) {
      throw new IllegalStateException(path + " is not a softlabels minibatch file");
    }
    int examples = buffer.getInt();
    int channels = buffer.getInt();
    int height = buffer.getInt();
    int width = buffer.getInt();
    int classes = buffer.getInt();
    float[] features = new float[examples * channels * height * width];
    float[] targets = new float[examples * classes];
    if (buffer.remaining() != Float.BYTES * (features.length + targets.length)) {
      throw new IllegalStateException(
          path
              + " is truncated: "
              + buffer.remaining()
              + " bytes after its header, "
              + Float.BYTES * (features.length + targets.length)
              + " expected");
    }
    FloatBuffer floats = buffer.asFloatBuffer();
    floats.get(features);
    floats.get(targets);
    augmentation.apply(features, examples, channels, height, width, random);
    return new DataSet(
        Nd4j.create(features, new long[] {examples, channels, height, width}, DataType.FLOAT),
        Nd4j.create(targets, new long[] {examples, classes}, DataType.FLOAT));
  }

  /** The array's values as float32 in C order (row-major), as the files and PyTorch store them. */
  public static float[] cOrderFloats(INDArray array) {
    return array.dup('c').data().asFloat();
  }

  private static boolean isRemote(String path) {
    String scheme = URI.create(path).getScheme();
    return scheme != null && !scheme.equals("file");
  }

  /** Reads the files {@link #of} writes, on the executors, augmented for one epoch. */
  static final class Loader implements DataSetLoader {
    private static final long serialVersionUID = 1L;
    private final Augmentation augmentation;
    private final long seed;
    private final int epoch;

    Loader(Augmentation augmentation, long seed, int epoch) {
      this.augmentation = augmentation;
      this.seed = seed;
      this.epoch = epoch;
    }

    @Override
    public DataSet load(Source source) throws IOException {
      try (InputStream in = source.getInputStream()) {
        return decode(
            in.readAllBytes(),
            source.getPath(),
            augmentation,
            Augmentation.random(seed, epoch, source.getPath()));
      }
    }
  }
}
