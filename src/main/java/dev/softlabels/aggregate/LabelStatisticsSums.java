package dev.softlabels.aggregate;

import dev.softlabels.labels.LabelRow;
import dev.softlabels.quality.CrowdFigures;
import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * {@link LabelStatistics} summed by the tasks that write the labels, so that no job reads them
 * again (a million label rows took a job of 0.7–1.1 s of their own at 10 M votes). Spark applies a
 * result task's updates once, however often the task runs, and the labels' write is the result
 * stage that computes them, so the sums are exact.
 */
final class LabelStatisticsSums extends AccumulatorV2<LabelRow, LabelStatistics> {

  private static final long serialVersionUID = 1L;
  private final int classes;

  /** The report's listed images, -1 without a report. */
  private final int listed;

  private LabelStatistics sums;

  private LabelStatisticsSums(int classes, int listed) {
    this.classes = classes;
    this.listed = listed;
    this.sums = empty();
  }

  /**
   * Sums registered with {@code spark}; {@code listed} &gt;= 0 sums the report's figures too, with
   * that many images listed.
   */
  static LabelStatisticsSums register(SparkContext spark, int classes, int listed) {
    LabelStatisticsSums sums = new LabelStatisticsSums(classes, listed);
    spark.register(sums, "label statistics");
    return sums;
  }

  private LabelStatistics empty() {
    return new LabelStatistics(classes, listed < 0 ? null : new CrowdFigures(classes, listed));
  }

  @Override
  public boolean isZero() {
    return sums.images() == 0;
  }

  @Override
  public AccumulatorV2<LabelRow, LabelStatistics> copy() {
    LabelStatisticsSums copy = new LabelStatisticsSums(classes, listed);
    copy.sums.merge(sums);
    return copy;
  }

  @Override
  public void reset() {
    sums = empty();
  }

  @Override
  public void add(LabelRow label) {
    sums.add(label);
  }

  @Override
  public void merge(AccumulatorV2<LabelRow, LabelStatistics> other) {
    sums.merge(other.value());
  }

  @Override
  public LabelStatistics value() {
    return sums;
  }
}
