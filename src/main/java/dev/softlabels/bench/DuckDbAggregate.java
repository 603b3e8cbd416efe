package dev.softlabels.bench;

import dev.softlabels.labels.ClassList;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;

/**
 * The reference point of the aggregate benchmark: the same per-image vote counts and soft labels
 * computed by DuckDB in-process from the same Parquet files, written back to Parquet.
 */
final class DuckDbAggregate {

  private DuckDbAggregate() {}

  static boolean available() {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Seconds DuckDB takes from Parquet annotations to a Parquet label table. */
  static double seconds(String inputGlob, String output, ClassList classes) throws SQLException {
    String counts = java.util.stream.IntStream.range(0, classes.size())
        .mapToObj(k -> "count(*) FILTER (WHERE label = '" + classes.name(k).replace("'", "''") + "')")
        .collect(Collectors.joining(", ", "[", "]"));
    String query = "COPY (SELECT image_id, n_annotations, counts, "
        + "list_transform(counts, lambda c: c / n_annotations) AS soft_label, "
        + "list_position(counts, list_max(counts)) - 1 AS hard_label FROM ("
        + "SELECT image_id, count(*) AS n_annotations, " + counts + " AS counts "
        + "FROM read_parquet('" + inputGlob + "') GROUP BY image_id)) TO '" + output + "' (FORMAT parquet)";
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      long started = System.nanoTime();
      statement.execute(query);
      return (System.nanoTime() - started) / 1e9;
    }
  }
}
