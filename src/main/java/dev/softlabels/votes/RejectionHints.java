package dev.softlabels.votes;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.ExportFields;
import dev.softlabels.annotations.InputFormat;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.annotations.tools.LabelStudioAnnotations;
import dev.softlabels.labels.LabelColumns;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the quarantined rows say about the fix, for the line of a run that rejects them: the labels
 * that name no class, and for a Label Studio export whose image key is wrong the keys its tasks'
 * data has. Each is a small bounded query, run only when its reason occurs.
 */
public final class RejectionHints {

  /** Labels, and data keys, listed at most. */
  static final int LISTED = 5;

  private static final int REJECTED_REASON = VotePass.QUARANTINE.fieldIndex(VoteValidation.REASON);
  private static final int REJECTED_LABEL = VotePass.QUARANTINE.fieldIndex(LabelColumns.LABEL);

  /** A label quarantined as unknown_class and its rows. */
  public record LabelCount(@JsonProperty("label") String label, @JsonProperty("rows") long rows) {}

  private RejectionHints() {}

  /**
   * The most frequent labels among {@code rejected} (quarantine rows, {@link VotePass#QUARANTINE})
   * quarantined as unknown_class, most first (ties by label), at most {@link #LISTED}; none when
   * {@code counts} has none.
   */
  public static List<LabelCount> unknownLabels(Dataset<Row> rejected, VoteTally.Counts counts) {
    if (counts.byReason().getOrDefault(QuarantineReason.UNKNOWN_CLASS.code(), 0L) == 0) {
      return List.of();
    }
    return rejected
        .filter(col(VoteValidation.REASON).equalTo(QuarantineReason.UNKNOWN_CLASS.code()))
        .groupBy(LabelColumns.LABEL)
        .count()
        .orderBy(col("count").desc(), col(LabelColumns.LABEL))
        .limit(LISTED)
        .collectAsList()
        .stream()
        .map(row -> new LabelCount(row.getString(0), row.getLong(1)))
        .toList();
  }

  /** {@link #unknownLabels(Dataset, VoteTally.Counts)} of quarantine rows held on the driver. */
  public static List<LabelCount> unknownLabels(List<Row> rejected, VoteTally.Counts counts) {
    Map<String, Long> rows = new HashMap<>();
    rejected.forEach(row -> countUnknownLabel(row, rows));
    return unknownLabels(rows);
  }

  /** Adds a quarantine row ({@link VotePass#QUARANTINE}) of an unknown class to {@code rows}. */
  public static void countUnknownLabel(Row rejected, Map<String, Long> rows) {
    if (QuarantineReason.UNKNOWN_CLASS.code().equals(rejected.getString(REJECTED_REASON))) {
      rows.merge(rejected.getString(REJECTED_LABEL), 1L, Long::sum);
    }
  }

  /**
   * The most frequent of the unknown labels counted in {@code rows} ({@link #countUnknownLabel}).
   */
  public static List<LabelCount> unknownLabels(Map<String, Long> rows) {
    // Ties in Spark's string order: byte by byte.
    Comparator<String> bytes =
        (a, b) ->
            Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    return rows.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey(bytes)))
        .limit(LISTED)
        .map(entry -> new LabelCount(entry.getKey(), entry.getValue()))
        .toList();
  }

  /** {@code "Golden Retriever" 7, "cat" 2}: each label quoted, its spaces and case as read. */
  public static String text(List<LabelCount> labels) {
    return labels.stream()
        .map(
            label ->
                String.format(
                    Locale.ROOT, "\"%s\" %,d", label.label().replace("\"", "\\\""), label.rows()))
        .collect(Collectors.joining(", "));
  }

  /**
   * The hints for a rejected run's line, joined by "; " ("" when none applies).
   *
   * @param unknown the run's {@link #unknownLabels}
   */
  public static String of(
      SparkSession spark,
      AnnotationSource source,
      String input,
      VoteTally.Counts counts,
      List<LabelCount> unknown) {
    return of(
        source,
        counts,
        unknown,
        () ->
            LabelStudioAnnotations.dataKeys(
                spark, input, source.exportFields().labelStudioImageKey(), LISTED + 1));
  }

  /**
   * The hints for a rejected run's line, {@code labelStudioDataKeys} giving the keys a Label Studio
   * export's tasks have under their data (asked only for such an export).
   */
  public static String of(
      AnnotationSource source,
      VoteTally.Counts counts,
      List<LabelCount> unknown,
      Supplier<List<String>> labelStudioDataKeys) {
    List<String> hints = new ArrayList<>();
    if (!unknown.isEmpty()) {
      long total = counts.byReason().get(QuarantineReason.UNKNOWN_CLASS.code());
      boolean more = total > unknown.stream().mapToLong(LabelCount::rows).sum();
      hints.add(
          "labels naming no class"
              + (more ? " (most frequent first): " : ": ")
              + text(unknown)
              + "; name every class with --classes (softlabels.classes)");
    }
    if (source.format() == InputFormat.LABEL_STUDIO
        && counts.byReason().getOrDefault(QuarantineReason.MISSING_IMAGE_ID.code(), 0L) > 0) {
      hints.add(
          labelStudioImageKey(
              source.exportFields().labelStudioImageKey(), labelStudioDataKeys.get()));
    }
    return String.join("; ", hints);
  }

  /** Where a Label Studio task's image is, given the keys found under its tasks' data. */
  static String labelStudioImageKey(String imageKey, List<String> dataKeys) {
    String found =
        dataKeys.size() > LISTED
            ? String.join(", ", dataKeys.subList(0, LISTED)) + ", ..."
            : String.join(", ", dataKeys);
    String fix =
        dataKeys.size() == 1
            ? "pass --image-col " + dataKeys.get(0)
            : "pass --image-col with the key that holds the image";
    String keys =
        dataKeys.isEmpty() ? "no keys" : (dataKeys.size() == 1 ? "the key " : "the keys ") + found;
    return "missing_image_id: tasks without data."
        + imageKey
        + " (their data has "
        + keys
        + "): "
        + fix
        + " ("
        + ExportFields.LABEL_STUDIO_IMAGE_KEY
        + ")";
  }
}
