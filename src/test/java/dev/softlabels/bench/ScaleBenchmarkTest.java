package dev.softlabels.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** bench scale's table and summary lines, from hand-made figures. */
class ScaleBenchmarkTest {

  private static final ScaleBenchmark.Size TEN_MILLION =
      new ScaleBenchmark.Size(
          10_000_000,
          new ScaleBenchmark.Side(15.0, 2_000, 25.0),
          new ScaleBenchmark.Side(6.0, 2_500, 11.0));
  private static final ScaleBenchmark.Size HUNDRED_MILLION =
      new ScaleBenchmark.Size(
          100_000_000,
          new ScaleBenchmark.Side(180.0, 2_800, 330.0),
          new ScaleBenchmark.Side(60.0, 9_000, 110.0));

  @Test
  void aRowPerSizeWithTimePerRowPeakMemoryAndTheRatio() {
    List<List<String>> table = ScaleBenchmark.table(List.of(TEN_MILLION, HUNDRED_MILLION));

    assertThat(table).hasSize(3);
    assertThat(table.get(0)).hasSize(10).startsWith("rows", "softlabels s", "softlabels µs/row");
    assertThat(table.get(1))
        .containsExactly(
            "10,000,000",
            "15.00",
            "1.500",
            "25.0",
            "2,000",
            "6.00",
            "0.600",
            "11.0",
            "2,500",
            "2.50x");
    assertThat(table.get(2))
        .containsExactly(
            "100,000,000",
            "180.00",
            "1.800",
            "330.0",
            "2,800",
            "60.00",
            "0.600",
            "110.0",
            "9,000",
            "3.00x");
  }

  @Test
  void theLargestSizeAgainstTheReferenceSize() {
    assertThat(ScaleBenchmark.summary(List.of(HUNDRED_MILLION, TEN_MILLION), 10_000_000))
        .containsExactly(
            "time per row at 100,000,000 rows / at 10,000,000: softlabels 1.20x (acceptance: at"
                + " most 1.3x, met), duckdb 1.00x",
            "peak memory at 100,000,000 rows / at 10,000,000: softlabels 1.40x (acceptance: at"
                + " most 1.5x, met), duckdb 3.60x");
  }

  @Test
  void aRatioPastItsAcceptanceIsSaid() {
    ScaleBenchmark.Size slow =
        new ScaleBenchmark.Size(
            100_000_000,
            new ScaleBenchmark.Side(200.0, 3_200, 330.0),
            new ScaleBenchmark.Side(60.0, 9_000, 110.0));

    assertThat(ScaleBenchmark.summary(List.of(TEN_MILLION, slow), 10_000_000))
        .allSatisfy(line -> assertThat(line).contains("NOT met"));
  }

  @Test
  void unknownFiguresAreNotAvailable() {
    ScaleBenchmark.Size unknown =
        new ScaleBenchmark.Size(
            100_000_000,
            new ScaleBenchmark.Side(180.0, -1, -1),
            new ScaleBenchmark.Side(60.0, -1, -1));

    assertThat(ScaleBenchmark.table(List.of(unknown)).get(1))
        .containsExactly(
            "100,000,000",
            "180.00",
            "1.800",
            "n/a",
            "n/a",
            "60.00",
            "0.600",
            "n/a",
            "n/a",
            "3.00x");
    assertThat(ScaleBenchmark.summary(List.of(TEN_MILLION, unknown), 10_000_000).get(1))
        .isEqualTo(
            "peak memory at 100,000,000 rows / at 10,000,000: softlabels n/a (acceptance: at most"
                + " 1.5x, unknown), duckdb n/a");
  }

  @Test
  void noSummaryWithoutTheReferenceSizeOrALargerOne() {
    assertThat(ScaleBenchmark.summary(List.of(HUNDRED_MILLION), 10_000_000))
        .singleElement()
        .asString()
        .startsWith("(no scaling summary");
    assertThat(ScaleBenchmark.summary(List.of(TEN_MILLION), 10_000_000))
        .singleElement()
        .asString()
        .startsWith("(no scaling summary");
  }

  @Test
  void aSidesMediansAreUnknownWhenARunsFigureIs() {
    ScaleBenchmark.Side side =
        ScaleBenchmark.Side.median(
            List.of(
                new WholeProcess.Run(3.0, 3_000_000, 5.0),
                new WholeProcess.Run(1.0, -1, 4.0),
                new WholeProcess.Run(2.0, 1_000_000, 6.0)));

    assertThat(side.seconds()).isEqualTo(2.0);
    assertThat(side.peakMegabytes()).isEqualTo(-1);
    assertThat(side.cpuSeconds()).isEqualTo(5.0);
  }
}
