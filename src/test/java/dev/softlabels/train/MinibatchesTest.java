package dev.softlabels.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.dataset.Augmentation;
import dev.softlabels.testing.SparkExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.LocalFileSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

@ExtendWith(SparkExtension.class)
class MinibatchesTest {

  @TempDir Path dir;

  /**
   * Two examples of 1 x 2 x 2 pixels, three classes: every value distinct, so any reordering shows.
   */
  private static DataSet tiny(float offset) {
    float[] features = new float[8];
    for (int i = 0; i < features.length; i++) {
      features[i] = offset + i / 8f;
    }
    return new DataSet(
        Nd4j.create(features, new long[] {2, 1, 2, 2}, DataType.FLOAT),
        Nd4j.create(new float[] {1, 0, 0, 0.25f, 0.75f, 0}, new long[] {2, 3}, DataType.FLOAT));
  }

  @Test
  void aFileIsItsHeaderThenFeaturesThenTargetsAsLittleEndianFloats() {
    byte[] bytes = Minibatches.encode(tiny(0));

    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes).hasSize(6 * 4 + (8 + 6) * 4);
    assertThat(IntStream.range(0, 6).map(i -> buffer.getInt()).toArray())
        .containsExactly(Minibatches.MAGIC, 2, 1, 2, 2, 3);
    assertThat(buffer.getFloat()).isEqualTo(0f);
    assertThat(buffer.getFloat(6 * 4 + 7 * 4)).isEqualTo(7 / 8f);
    assertThat(buffer.getFloat(6 * 4 + 8 * 4 + 4 * 4)).isEqualTo(0.75f);
  }

  @Test
  void decodingGivesBackTheSameArrays() {
    DataSet batch = tiny(3);
    DataSet decoded = Minibatches.decode(Minibatches.encode(batch), "x", Augmentation.NONE, null);

    assertThat(decoded.getFeatures().shape()).containsExactly(2, 1, 2, 2);
    assertThat(decoded.getFeatures()).isEqualTo(batch.getFeatures());
    assertThat(decoded.getLabels()).isEqualTo(batch.getLabels());
  }

  @Test
  void anotherOrATruncatedFileIsRefusedByName() {
    byte[] bytes = Minibatches.encode(tiny(0));
    byte[] other = bytes.clone();
    other[0] = 0;

    assertThatThrownBy(() -> Minibatches.decode(other, "/data/a.bin", Augmentation.NONE, null))
        .hasMessage("/data/a.bin is not a softlabels minibatch file");
    assertThatThrownBy(
            () ->
                Minibatches.decode(
                    Arrays.copyOf(bytes, bytes.length - 4),
                    "/data/b.minibatch",
                    Augmentation.NONE,
                    null))
        .hasMessage("/data/b.minibatch is truncated: 52 bytes after its header, 56 expected");
  }

  @Test
  void theExportApproachWritesEveryMinibatchOnceInItsPartitionAndReleaseDeletesThem(
      SparkSession spark) throws IOException {
    List<DataSet> batches = List.of(tiny(0), tiny(1), tiny(2), tiny(3), tiny(4));
    JavaRDD<DataSet> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(batches, 2);

    Minibatches minibatches =
        Minibatches.of(spark, rdd, TrainingApproach.EXPORT, dir.resolve("export").toString());

    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir.resolve("export"))) {
      files = walk.filter(p -> p.toString().endsWith(".minibatch")).sorted().toList();
    }
    // Each file stays in its minibatch's partition (parallelize puts 2 and 3 in the two slices):
    // the train job's one partition per worker is what lets DL4J skip repartitioning every round.
    assertThat(files.stream().map(p -> p.getFileName().toString()))
        .containsExactly(
            "part-00000-000000.minibatch",
            "part-00000-000001.minibatch",
            "part-00001-000000.minibatch",
            "part-00001-000001.minibatch",
            "part-00001-000002.minibatch");
    List<Float> firstValues = new ArrayList<>();
    for (Path file : files) {
      DataSet loaded =
          new Minibatches.Loader(Augmentation.NONE, 1, 0)
              .load(new LocalFileSource(file.toString()));
      assertThat(loaded.getLabels()).isEqualTo(tiny(0).getLabels());
      firstValues.add(loaded.getFeatures().getFloat(0));
    }
    assertThat(firstValues).containsExactly(0f, 1f, 2f, 3f, 4f);

    minibatches.release();
    try (Stream<Path> walk = Files.walk(dir.resolve("export"))) {
      assertThat(walk.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void theDirectApproachWritesNothing(SparkSession spark) {
    JavaRDD<DataSet> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(tiny(0)), 1);

    Minibatches.of(spark, rdd, TrainingApproach.DIRECT, dir.resolve("export").toString()).release();

    assertThat(dir.resolve("export")).doesNotExist();
  }
}
