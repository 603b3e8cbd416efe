package dev.softlabels.annotations.tools;

import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.CsvAnnotations;
import dev.softlabels.annotations.QuarantineReason;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An Amazon Mechanical Turk batch results CSV (the requester site's "Download CSV", one row per
 * assignment) to canonical rows: image id from an {@code Input.*} column, the worker's {@code
 * WorkerId}, the label from an {@code Answer.*} column. A Rejected assignment is quarantined as
 * rejected_by_requester; Submitted and Approved ones are votes. The Approve and Reject columns are
 * the requester's upload form, not a decision, and are not read.
 */
public final class MturkAnnotations {

  private MturkAnnotations() {}

  public static Dataset<Row> read(SparkSession spark, AnnotationSource source, String path) {
    return CsvAnnotations.readAssignments(
        spark,
        source,
        path,
        new CsvAnnotations.AssignmentTable(
            "MTurk batch results",
            ',',
            source.exportFields().mturk(),
            "WorkerId",
            "AssignmentStatus",
            Map.of("Rejected", QuarantineReason.REJECTED_BY_REQUESTER)));
  }
}
