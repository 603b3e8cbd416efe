package dev.softlabels.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.softlabels.dataset.TrainingData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class TrainBenchmarkTest {

  @Test
  void theMedianOfRepeatedRunsIsTheMiddleValueOrTheMeanOfTheMiddleTwo() {
    assertThat(TrainBenchmark.median(new double[] {1_911})).isEqualTo(1_911);
    assertThat(TrainBenchmark.median(new double[] {3_562, 5_967, 3_255})).isEqualTo(3_562);
    assertThat(TrainBenchmark.median(new double[] {1_600, 1_000, 1_200, 2_000})).isEqualTo(1_400);
  }

  @Test
  void aSkippedPyTorchStaysNotANumber() {
    assertThat(TrainBenchmark.median(new double[] {Double.NaN, Double.NaN})).isNaN();
  }

  @Test
  void averagingMakesEveryNetworkTheMeanOfTheirParametersAndUpdaterStates() {
    MultiLayerNetwork first = network();
    MultiLayerNetwork second = network();
    first.params().assign(1);
    second.params().assign(4);
    first.getUpdater().getStateViewArray().assign(-2);
    second.getUpdater().getStateViewArray().assign(0);

    TrainBenchmark.average(List.of(first, second));

    for (MultiLayerNetwork network : List.of(first, second)) {
      assertThat(network.params().minNumber().doubleValue()).isEqualTo(2.5);
      assertThat(network.params().maxNumber().doubleValue()).isEqualTo(2.5);
      assertThat(network.getUpdater().getStateViewArray().minNumber().doubleValue()).isEqualTo(-1);
      assertThat(network.getUpdater().getStateViewArray().maxNumber().doubleValue()).isEqualTo(-1);
    }
  }

  @Test
  void threadsAveragingEveryRoundTrainAsEachShareFittedAloneThenAveraged() {
    MultiLayerNetwork template = network();
    Nd4j.getRandom().setSeed(11);
    List<DataSet> batches = IntStream.range(0, 6).mapToObj(i -> minibatch()).toList();
    List<MultiLayerNetwork> threaded = List.of(template.clone(), template.clone());

    // One warm-up epoch and one timed one; 3 minibatches per thread, averaged after 2 and after 3.
    double examplesPerSecond = TrainBenchmark.averagedThreads(threaded, batches, 6 * 4, 1, 2);

    MultiLayerNetwork first = template.clone();
    MultiLayerNetwork second = template.clone();
    for (int epoch = 0; epoch < 2; epoch++) {
      first.fit(batches.get(0));
      first.fit(batches.get(1));
      second.fit(batches.get(3));
      second.fit(batches.get(4));
      TrainBenchmark.average(List.of(first, second));
      first.fit(batches.get(2));
      second.fit(batches.get(5));
      TrainBenchmark.average(List.of(first, second));
    }
    assertThat(examplesPerSecond).isPositive();
    assertThat(threaded.get(1).params()).isEqualTo(threaded.get(0).params());
    assertThat(threaded.get(0).params().equalsWithEps(first.params(), 1e-5)).isTrue();
    assertThat(threaded.get(0).params().equalsWithEps(template.params(), 1e-3)).isFalse();
  }

  @Test
  void aThreadThatFailsStopsTheOthersAndNamesItsOwnError() {
    List<DataSet> batches =
        IntStream.range(0, 4).mapToObj(i -> minibatch()).collect(Collectors.toList());
    // First in the second thread's share: two-channel images, which the network (three channels)
    // refuses at once, mostly before the first thread has fitted its two minibatches and waits.
    batches.set(2, new DataSet(Nd4j.rand(DataType.FLOAT, 4, 2, 8, 8), batches.get(2).getLabels()));
    MultiLayerNetwork template = network();

    assertThatThrownBy(
            () ->
                assertTimeoutPreemptively(
                    Duration.ofSeconds(60),
                    () ->
                        TrainBenchmark.averagedThreads(
                            List.of(template.clone(), template.clone()), batches, 16, 1, 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("a training thread failed")
        .cause()
        .isNotInstanceOf(CancellationException.class);
  }

  private static MultiLayerNetwork network() {
    MultiLayerNetwork network =
        new MultiLayerNetwork(TrainBenchmark.smallCnn(new TrainingData.Shape(3, 8, 8, 3), 5));
    network.init();
    return network;
  }

  /** Four random 3x8x8 images with random soft targets. */
  private static DataSet minibatch() {
    INDArray targets = Nd4j.rand(DataType.FLOAT, 4, 3);
    return new DataSet(
        Nd4j.rand(DataType.FLOAT, 4, 3, 8, 8), targets.diviColumnVector(targets.sum(1)));
  }
}
