package dev.softlabels.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One annotator against the consensus (each image's majority vote): its confusion matrix, how often
 * it agrees, its worst class and the flags the rules raise ({@link AnnotatorFlag}). Plain Java:
 * built from the confusion matrix alone.
 *
 * @param votes its votes on images with a consensus
 * @param agreement the share of its votes equal to the consensus
 * @param cramersV Cramér's V between its labels and the consensus over the classes either uses;
 *     null when either uses one class only
 * @param methodAccuracy the truth-inference method's estimate of its accuracy; null for the
 *     majority vote
 * @param worstClass the consensus class it finds least often, among those with at least {@link
 *     #MIN_CLASS_VOTES} of its images; null when none has
 * @param worstClassRecall how often it gave the worst class where the consensus is that class
 * @param flags the {@link AnnotatorFlag} codes raised, none below {@link #MIN_VOTES} votes
 * @param reasons for each flag, the figures that raised it
 * @param confusion votes by consensus class (row) and the class it gave (column)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnnotatorQuality(
    @JsonProperty("annotator_id") String annotator,
    @JsonProperty("votes") long votes,
    @JsonProperty("agreement") double agreement,
    @JsonProperty("cramers_v") Double cramersV,
    @JsonProperty("method_accuracy") Double methodAccuracy,
    @JsonProperty("worst_class") String worstClass,
    @JsonProperty("worst_class_recall") Double worstClassRecall,
    @JsonProperty("flags") List<String> flags,
    @JsonProperty("reasons") List<String> reasons,
    @JsonProperty("confusion") long[][] confusion)
    implements Serializable {

  /** Fewer votes than this raise no flag: too few to judge an annotator by. */
  public static final int MIN_VOTES = 20;

  /** A class (row or column) needs this many votes to count for the worst class or a swap. */
  public static final int MIN_CLASS_VOTES = 5;

  static final double ONE_CLASS_SHARE = 0.9;
  static final double ONE_CLASS_CONSENSUS_SHARE = 0.6;
  static final double INFORMATIVE_V = 0.3;
  static final double SWAPPED_SHARE = 0.5;

  /**
   * @param classes class names in index order
   * @param confusion votes by consensus class (row) and given class (column)
   * @param methodAccuracy the method's estimate, null for the majority vote
   */
  public static AnnotatorQuality of(
      String annotator, long[][] confusion, Double methodAccuracy, List<String> classes) {
    int k = confusion.length;
    long[] rows = new long[k];
    long[] columns = new long[k];
    long votes = 0;
    long agreeing = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        rows[i] += confusion[i][j];
        columns[j] += confusion[i][j];
      }
      votes += rows[i];
      agreeing += confusion[i][i];
    }
    Double v = cramersV(confusion, rows, columns, votes);
    String worst = null;
    Double worstRecall = null;
    for (int i = 0; i < k; i++) {
      if (rows[i] >= MIN_CLASS_VOTES) {
        double recall = (double) confusion[i][i] / rows[i];
        if (worstRecall == null || recall < worstRecall) {
          worst = classes.get(i);
          worstRecall = recall;
        }
      }
    }
    List<String> flags = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    if (votes >= MIN_VOTES) {
      int top = 0;
      for (int j = 1; j < k; j++) {
        top = columns[j] > columns[top] ? j : top;
      }
      double share = (double) columns[top] / votes;
      double consensusShare = (double) rows[top] / votes;
      if (share >= ONE_CLASS_SHARE && consensusShare <= ONE_CLASS_CONSENSUS_SHARE) {
        flag(
            flags,
            reasons,
            AnnotatorFlag.ONE_CLASS,
            "%.0f %% of its votes are %s; the consensus says %s for %.0f %% of those images",
            100 * share,
            classes.get(top),
            classes.get(top),
            100 * consensusShare);
      } else if (v != null && v < INFORMATIVE_V) {
        flag(flags, reasons, AnnotatorFlag.SPAMMER, "Cramér's V %.2f", v);
      } else if (v != null) {
        for (int j = 0; j < k; j++) {
          int mode = 0;
          for (int i = 1; i < k; i++) {
            mode = confusion[i][j] > confusion[mode][j] ? i : mode;
          }
          if (columns[j] >= MIN_CLASS_VOTES
              && mode != j
              && confusion[mode][j] > SWAPPED_SHARE * columns[j]) {
            flag(
                flags,
                reasons,
                AnnotatorFlag.SWAPPER,
                "Cramér's V %.2f; %d of its %d votes for %s are %s by the consensus",
                v,
                confusion[mode][j],
                columns[j],
                classes.get(j),
                classes.get(mode));
            break;
          }
        }
      }
    }
    return new AnnotatorQuality(
        annotator,
        votes,
        votes == 0 ? 0 : (double) agreeing / votes,
        v,
        methodAccuracy,
        worst,
        worstRecall,
        List.copyOf(flags),
        List.copyOf(reasons),
        confusion);
  }

  private static void flag(
      List<String> flags, List<String> reasons, AnnotatorFlag flag, String reason, Object... args) {
    flags.add(flag.code());
    reasons.add(flag.code() + ": " + String.format(Locale.ROOT, reason, args));
  }

  /** Cramér's V over the rows and columns in use; null when fewer than two of either are. */
  static Double cramersV(long[][] confusion, long[] rows, long[] columns, long votes) {
    long usedRows = java.util.Arrays.stream(rows).filter(n -> n > 0).count();
    long usedColumns = java.util.Arrays.stream(columns).filter(n -> n > 0).count();
    if (usedRows < 2 || usedColumns < 2) {
      return null;
    }
    double chiSquare = 0;
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < columns.length; j++) {
        if (rows[i] > 0 && columns[j] > 0) {
          double expected = (double) rows[i] * columns[j] / votes;
          double difference = confusion[i][j] - expected;
          chiSquare += difference * difference / expected;
        }
      }
    }
    return Math.sqrt(chiSquare / (votes * (Math.min(usedRows, usedColumns) - 1)));
  }
}
