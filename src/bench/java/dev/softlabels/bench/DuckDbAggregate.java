package dev.softlabels.bench;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelMath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The reference points of the aggregate benchmark, computed by DuckDB in-process from the same
 * Parquet files and written back to Parquet: the aggregate job's semantics ({@link #sameSemantics})
 * and a plain group-by of the labels ({@link #groupBy}). {@link #main} runs one of them as its own
 * process, for whole-process timings.
 */
public final class DuckDbAggregate {

  /** The two peers. */
  public enum Peer {
    SAME_SEMANTICS,
    GROUP_BY
  }

  private DuckDbAggregate() {}

  /** Seconds DuckDB takes to run {@code statements}. */
  static double seconds(List<String> statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      long started = System.nanoTime();
      for (String sql : statements) {
        statement.execute(sql);
      }
      return (System.nanoTime() - started) / 1e9;
    }
  }

  /**
   * The aggregate job's semantics: ids and labels trimmed, a label is a class name (the default
   * label-encoding); rows missing a field or naming no class are quarantined with the job's reason,
   * and only the first usable vote of an annotator on an image in input order (file name, then row)
   * counts, the others quarantined as duplicate_vote; labels/ with every column of the label table,
   * quarantine/ with the rows as read.
   */
  public static List<String> sameSemantics(String inputGlob, String outputDir, ClassList classes) {
    String byName =
        IntStream.range(0, classes.size())
            .mapToObj(k -> "WHEN " + quote(classes.name(k)) + " THEN " + k)
            .collect(Collectors.joining(" ", "CASE label ", " END"));
    String checked =
        "SELECT image_id, annotator_id, label, filename, file_row_number, class_index, "
            + "CASE WHEN contains(image_id, '\uFFFD') OR contains(annotator_id, '\uFFFD') OR contains(label, '\uFFFD') "
            + "THEN 'undecodable_text' "
            + "WHEN image_id IS NULL OR image_id = '' THEN 'missing_image_id' "
            + "WHEN annotator_id IS NULL OR annotator_id = '' THEN 'missing_annotator_id' "
            + "WHEN label IS NULL OR label = '' THEN 'missing_label' "
            + "WHEN class_index IS NULL THEN 'unknown_class' END AS reason FROM ("
            + "SELECT *, "
            + byName
            + " AS class_index FROM ("
            + "SELECT trim(CAST(image_id AS VARCHAR)) AS image_id, trim(CAST(annotator_id AS VARCHAR)) AS annotator_id, "
            + "trim(CAST(label AS VARCHAR)) AS label, filename, file_row_number "
            + "FROM read_parquet("
            + quote(inputGlob)
            + ", filename = true, file_row_number = true)))";
    String classified =
        "CREATE TEMP TABLE classified AS SELECT image_id, annotator_id, label, file_row_number, "
            + "class_index, CASE WHEN reason IS NULL AND row_number() OVER (PARTITION BY image_id, annotator_id, "
            + "reason IS NULL ORDER BY filename, file_row_number) > 1 THEN 'duplicate_vote' ELSE reason END AS reason "
            + "FROM ("
            + checked
            + ")";
    String counts =
        IntStream.range(0, classes.size())
            .mapToObj(k -> "CAST(count(*) FILTER (WHERE class_index = " + k + ") AS INTEGER)")
            .collect(Collectors.joining(", ", "[", "]"));
    String names =
        classes.names().stream()
            .map(DuckDbAggregate::quote)
            .collect(Collectors.joining(", ", "[", "]"));
    // The job's tie rule (LabelMath.TIE_TOLERANCE) for is_tie; the hard label from the counts,
    // whose ties are exact.
    String labels =
        "COPY (SELECT image_id, n_annotations, counts, soft_label, hard_label, "
            + names
            + "[hard_label + 1] AS hard_label_name, "
            + "len(list_filter(soft_label, lambda p: list_max(soft_label) - p <= "
            + LabelMath.TIE_TOLERANCE
            + ")) > 1 AS is_tie, "
            + "list_max(soft_label) AS agreement, "
            + "-list_sum(list_transform(soft_label, lambda p: CASE WHEN p > 0 THEN p * ln(p) ELSE 0 END)) / ln("
            + classes.size()
            + ") AS entropy FROM ("
            + "SELECT *, list_position(counts, list_max(counts)) - 1 AS hard_label FROM ("
            + "SELECT *, list_transform(counts, lambda c: c / n_annotations) AS soft_label FROM ("
            + "SELECT image_id, CAST(count(*) AS INTEGER) AS n_annotations, "
            + counts
            + " AS counts "
            + "FROM classified WHERE reason IS NULL GROUP BY image_id)))) TO "
            + quote(outputDir + "/labels.parquet")
            + " (FORMAT parquet)";
    String quarantine =
        "COPY (SELECT image_id, annotator_id, label, reason, file_row_number AS row_order "
            + "FROM classified WHERE reason IS NOT NULL) TO "
            + quote(outputDir + "/quarantine.parquet")
            + " (FORMAT parquet)";
    return List.of(classified, labels, quarantine);
  }

  /**
   * Today's plain group-by: per-image counts and soft and hard labels, nothing checked or
   * quarantined.
   */
  public static List<String> groupBy(String inputGlob, String outputDir, ClassList classes) {
    String counts =
        IntStream.range(0, classes.size())
            .mapToObj(k -> "count(*) FILTER (WHERE label = " + quote(classes.name(k)) + ")")
            .collect(Collectors.joining(", ", "[", "]"));
    return List.of(
        "COPY (SELECT image_id, n_annotations, counts, "
            + "list_transform(counts, lambda c: c / n_annotations) AS soft_label, "
            + "list_position(counts, list_max(counts)) - 1 AS hard_label FROM ("
            + "SELECT image_id, count(*) AS n_annotations, "
            + counts
            + " AS counts "
            + "FROM read_parquet("
            + quote(inputGlob)
            + ") GROUP BY image_id)) TO "
            + quote(outputDir + "/labels.parquet")
            + " (FORMAT parquet)");
  }

  static List<String> statements(Peer peer, String inputGlob, String outputDir, ClassList classes) {
    return switch (peer) {
      case SAME_SEMANTICS -> sameSemantics(inputGlob, outputDir, classes);
      case GROUP_BY -> groupBy(inputGlob, outputDir, classes);
    };
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /**
   * {@code PEER INPUT_GLOB OUTPUT_DIR CLASS...}: runs one peer in this process (the benchmark
   * starts it as a child process to time DuckDB's whole process) and prints its in-process seconds.
   */
  public static void main(String[] args) throws Exception {
    Peer peer = Peer.valueOf(args[0]);
    Files.createDirectories(Path.of(args[2]));
    ClassList classes = new ClassList(List.of(args).subList(3, args.length));
    System.out.println(seconds(statements(peer, args[1], args[2], classes)));
  }
}
