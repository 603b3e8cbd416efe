package dev.softlabels.labels;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Classification metrics from small aggregates that Spark computes over any number of predictions:
 * a k x k confusion matrix (rows: true class = argmax of the soft ground truth, ties to the lowest
 * index; columns: predicted class), per-image means of KL, NLL and Brier, and 10 confidence bins.
 */
public final class Metrics {

  public static final String MACRO_ACCURACY = "macro_accuracy";
  public static final String KL = "kl";
  public static final String ACCURACY = "accuracy";
  public static final String MACRO_F1 = "macro_f1";
  public static final String ECE = "ece";
  public static final String BRIER = "brier";
  public static final String NLL = "nll";
  public static final int ECE_BINS = 10;

  /** Every metric, in report order, with whether larger is better. */
  public static final Map<String, Boolean> LARGER_IS_BETTER;

  static {
    Map<String, Boolean> order = new LinkedHashMap<>();
    order.put(MACRO_ACCURACY, true);
    order.put(KL, false);
    order.put(ACCURACY, true);
    order.put(MACRO_F1, true);
    order.put(ECE, false);
    order.put(BRIER, false);
    order.put(NLL, false);
    LARGER_IS_BETTER = java.util.Collections.unmodifiableMap(order);
  }

  private Metrics() {}

  /** Mean over the true classes present of their recall. */
  public static double macroAccuracy(long[][] confusion) {
    double sum = 0;
    int present = 0;
    for (int c = 0; c < confusion.length; c++) {
      long total = rowTotal(confusion, c);
      if (total > 0) {
        sum += (double) confusion[c][c] / total;
        present++;
      }
    }
    return present == 0 ? Double.NaN : sum / present;
  }

  public static double accuracy(long[][] confusion) {
    long correct = 0;
    long total = 0;
    for (int c = 0; c < confusion.length; c++) {
      correct += confusion[c][c];
      total += rowTotal(confusion, c);
    }
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  /**
   * Mean F1 over the classes that occur as truth or prediction; a class never predicted has
   * precision 0 (and so F1 0) when it occurs as truth.
   */
  public static double macroF1(long[][] confusion) {
    double sum = 0;
    int counted = 0;
    for (int c = 0; c < confusion.length; c++) {
      long truth = rowTotal(confusion, c);
      long predicted = 0;
      for (long[] row : confusion) {
        predicted += row[c];
      }
      if (truth + predicted == 0) {
        continue;
      }
      // F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (truth + predicted)
      sum += 2.0 * confusion[c][c] / (truth + predicted);
      counted++;
    }
    return counted == 0 ? Double.NaN : sum / counted;
  }

  /**
   * Expected calibration error: sum over confidence bins of |accuracy - mean confidence| weighted
   * by the bin's share of images. Bin b holds confidences in [b/10, (b+1)/10) (1.0 in the last
   * bin).
   */
  public static double ece(ConfidenceBins bins) {
    long total = bins.images();
    double ece = 0;
    for (ConfidenceBins.Bin bin : bins.bins()) {
      if (bin.images() > 0) {
        ece += Math.abs(bin.correctSum() - bin.confidenceSum()) / total;
      }
    }
    return total == 0 ? Double.NaN : ece;
  }

  /** The bin of a confidence in [0, 1]. */
  public static int bin(double confidence) {
    return Math.min(ECE_BINS - 1, (int) Math.floor(confidence * ECE_BINS));
  }

  /** All metrics in report order. */
  public static Map<String, Double> all(
      long[][] confusion, double meanKl, double meanNll, double meanBrier, ConfidenceBins bins) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(MACRO_ACCURACY, macroAccuracy(confusion));
    metrics.put(KL, meanKl);
    metrics.put(ACCURACY, accuracy(confusion));
    metrics.put(MACRO_F1, macroF1(confusion));
    metrics.put(ECE, ece(bins));
    metrics.put(BRIER, meanBrier);
    metrics.put(NLL, meanNll);
    return metrics;
  }

  private static long rowTotal(long[][] confusion, int row) {
    long total = 0;
    for (long n : confusion[row]) {
      total += n;
    }
    return total;
  }
}
