package dev.softlabels.annotations.tools;

import dev.softlabels.annotations.AnnotationSource;
import dev.softlabels.annotations.CsvAnnotations;
import dev.softlabels.annotations.QuarantineReason;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Toloka pool's results TSV ("Download results", one row per task of an assignment) to canonical
 * rows: image id from an {@code INPUT:*} column, the Toloker's {@code ASSIGNMENT:worker_id}, the
 * label from an {@code OUTPUT:*} column. REJECTED assignments are quarantined as
 * rejected_by_requester, SKIPPED and EXPIRED ones (no answer given) as skipped_by_annotator;
 * SUBMITTED, ACCEPTED and APPROVED ones are votes. Control tasks (a filled {@code GOLDEN:*} column)
 * are votes too: the Toloker answered a real image like any other, and the known answer is not
 * added as a vote.
 */
public final class TolokaAnnotations {

  private TolokaAnnotations() {}

  public static Dataset<Row> read(SparkSession spark, AnnotationSource source, String path) {
    Map<String, QuarantineReason> verdicts =
        Map.of(
            "REJECTED", QuarantineReason.REJECTED_BY_REQUESTER,
            "SKIPPED", QuarantineReason.SKIPPED_BY_ANNOTATOR,
            "EXPIRED", QuarantineReason.SKIPPED_BY_ANNOTATOR);
    return CsvAnnotations.readAssignments(
        spark,
        source,
        path,
        new CsvAnnotations.AssignmentTable(
            "Toloka results",
            '\t',
            source.exportFields().toloka(),
            "ASSIGNMENT:worker_id",
            "ASSIGNMENT:status",
            verdicts));
  }
}
