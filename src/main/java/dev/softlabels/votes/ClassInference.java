package dev.softlabels.votes;

import static dev.softlabels.labels.LabelColumns.LABEL;
import static org.apache.spark.sql.functions.col;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.LabelEncoding;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The class list of a run given none (neither --classes nor softlabels.classes): the labels'
 * distinct values, numbers in numeric order and names in alphabetical order, so the same labels
 * always give the same list. A label table's class indices mean nothing without their list, so the
 * run prints it and records it.
 */
public final class ClassInference {

  /** More distinct labels than this is a wrong column, not a class list. */
  public static final int MAX_CLASSES = 1000;

  private static final String INTEGER = "-?[0-9]{1,18}";

  private static final String RECORDED = "recorded with the input's label column";

  /** The list and where it came from, as said to the user. */
  public record Inferred(ClassList classes, String origin) {

    public String line() {
      return "classes "
          + origin
          + ": "
          + classes.names()
          + "; pass --classes (softlabels.classes) to fix the list";
    }
  }

  private ClassInference() {}

  /**
   * The classes of annotation rows read from {@code input} into {@code raw} (AnnotationReader's
   * rows): the list a Parquet input records with its label column (annotate's output does), else
   * the usable labels' list, from one distinct-labels pass.
   */
  public static Inferred infer(
      SparkSession spark, AnnotationSource source, Dataset<Row> raw, String input) {
    return AnnotationReader.recordedClasses(spark, source, input)
        .map(recorded -> new Inferred(recorded, RECORDED))
        .orElseGet(() -> infer(raw, source.labelEncoding(), input));
  }

  private static Inferred infer(Dataset<Row> raw, LabelEncoding encoding, String input) {
    // Votes the reader already rejects (unparsable, skipped or rejected in the tool) name no class.
    List<String> labels =
        raw.filter(
                col(AnnotationReader.RAW_RECORD)
                    .isNull()
                    .and(col(AnnotationReader.TOOL_REASON).isNull())
                    .and(col(LABEL).notEqual("")))
            .select(LABEL)
            .distinct()
            .limit(MAX_CLASSES + 1)
            .as(Encoders.STRING())
            .collectAsList();
    return fromDistinct(labels, encoding, input);
  }

  /**
   * {@link #infer} for rows read on the driver ({@link AnnotationReader#readOnDriver}): a plain
   * input records no class list, so the list is the usable labels'.
   */
  public static Inferred inferOnDriver(
      List<AnnotationReader.ReadRow> raw, LabelEncoding encoding, String input) {
    Set<String> labels = new HashSet<>();
    for (AnnotationReader.ReadRow row : raw) {
      if (row.rawRecord() == null
          && row.toolReason() == null
          && row.label() != null
          && !row.label().isEmpty()) {
        labels.add(row.label());
      }
    }
    return fromDistinct(labels, encoding, input);
  }

  /**
   * {@link #infer} for a Parquet input read on the driver: the list {@code recorded} with its label
   * column, else the list of {@code labels}, the input's distinct usable labels (at most {@link
   * #MAX_CLASSES} + 1 of them gathered: more is refused all the same).
   */
  public static Inferred inferOnDriver(
      Optional<ClassList> recorded,
      Collection<String> labels,
      LabelEncoding encoding,
      String input) {
    return recorded
        .map(classes -> new Inferred(classes, RECORDED))
        .orElseGet(() -> fromDistinct(labels, encoding, input));
  }

  private static Inferred fromDistinct(
      Collection<String> labels, LabelEncoding encoding, String input) {
    if (labels.size() > MAX_CLASSES) {
      throw new UserError(
          "more than "
              + MAX_CLASSES
              + " distinct labels in "
              + input
              + ": is the label column "
              + "right (--label-col)? Name the classes with --classes");
    }
    return of(labels, encoding);
  }

  /** The list for these distinct, non-blank labels. */
  static Inferred of(Collection<String> labels, LabelEncoding encoding) {
    if (labels.size() < 2) {
      throw new UserError(
          "cannot infer a class list from fewer than two distinct labels "
              + labels.stream().sorted().toList()
              + ": name the classes with --classes");
    }
    if (!labels.stream().allMatch(label -> label.matches(INTEGER))) {
      if (encoding == LabelEncoding.INDEX) {
        throw new UserError(
            "softlabels.annotations.label-encoding is index but the labels are not all numbers: "
                + "name the classes with --classes");
      }
      return new Inferred(
          new ClassList(labels.stream().sorted().toList()),
          "inferred from the labels (names in alphabetical order)");
    }
    if (encoding == LabelEncoding.INDEX) {
      BigInteger largest =
          labels.stream().map(BigInteger::new).max(Comparator.naturalOrder()).orElseThrow();
      if (largest.compareTo(BigInteger.valueOf(MAX_CLASSES)) >= 0) {
        throw new UserError(
            "label "
                + largest
                + " read as a 0-based class index would make more than "
                + MAX_CLASSES
                + " classes: name the classes with --classes");
      }
      return new Inferred(
          new ClassList(
              IntStream.rangeClosed(0, largest.intValue()).mapToObj(Integer::toString).toList()),
          "inferred from the labels (indices 0 to the largest label)");
    }
    return new Inferred(
        new ClassList(labels.stream().sorted(Comparator.comparing(BigInteger::new)).toList()),
        "inferred from the labels (numbers in numeric order)");
  }
}
