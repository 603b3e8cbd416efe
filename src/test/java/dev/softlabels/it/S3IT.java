package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.labels.LabelColumns;
import dev.softlabels.testing.Aggregates;
import dev.softlabels.testing.Environment;
import dev.softlabels.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * aggregate and relabel reading and writing s3a:// paths on a real S3 server (S3Mock in its own
 * network namespace, bin/with-s3mock), compared with the same jobs on local files.
 */
@ExtendWith(SparkExtension.class)
@Environment
@ResourceLock(SharedResources.S3MOCK)
@Order(4)
class S3IT {

  private static final String SECRET = "s3it-secret-that-must-not-be-logged";

  @TempDir Path dir;

  @Test
  void aggregateAndRelabelEndToEndOnS3(SparkSession spark) throws Exception {
    // Inside the namespace: upload the example, run both jobs on s3a://, bring their outputs back.
    Path script =
        Files.writeString(
            dir.resolve("on-s3.sh"),
            String.join(
                "\n",
                "set -euo pipefail",
                "s3=\"$SOFTLABELS_S3_ENDPOINT/softlabels\"",
                "curl -sf -X PUT --data-binary @examples/annotations.csv \"$s3/in/2026-11-01.csv\"",
                "bin/softlabels aggregate --conf conf/s3-mock.conf --input s3a://softlabels/in/2026-11-01.csv"
                    + " --output s3a://softlabels/out/aggregate --classes "
                    + LauncherIT.EXAMPLE_CLASSES,
                "bin/softlabels relabel --conf conf/s3-mock.conf --state s3a://softlabels/store"
                    + " --batch s3a://softlabels/in/2026-11-01.csv --date 2026-11-01 --classes "
                    + LauncherIT.EXAMPLE_CLASSES,
                "bin/softlabels relabel --conf conf/s3-mock.conf --state s3a://softlabels/store"
                    + " --batch s3a://softlabels/in/2026-11-01.csv --date 2026-11-01 --classes "
                    + LauncherIT.EXAMPLE_CLASSES,
                "bin/softlabels relabel export --conf conf/s3-mock.conf --state s3a://softlabels/store --output "
                    + dir.resolve("export"),
                "mkdir -p " + dir.resolve("aggregate/labels"),
                "for key in $(curl -sf \"$s3?list-type=2&prefix=out/aggregate/labels/\" | grep -o '<Key>[^<]*parquet</Key>'"
                    + " | sed -e 's/<Key>//' -e 's/<\\/Key>//'); do",
                "  curl -sf -o "
                    + dir.resolve("aggregate/labels")
                    + "/$(basename \"$key\") \"$s3/$key\"",
                "done",
                ""));
    ProcessBuilder builder =
        new ProcessBuilder(
            LauncherIT.HOME.resolve("bin/with-s3mock").toString(),
            "--port",
            "9390",
            "--",
            "bash",
            script.toString());
    builder.environment().put("AWS_SECRET_ACCESS_KEY", SECRET);
    // S3Mock and four launches one after the other: this whole test took 8 minutes at a load
    // average of 10 to 15 on 2 cores, where 5 minutes for this call were too few; 20 leave room for
    // more.
    LauncherIT.Result onS3 = LauncherIT.run(builder, 20);
    assertThat(onS3.exitCode()).as(onS3.out() + onS3.err()).isZero();
    assertThat(onS3.out())
        .contains(
            "100 rows read, 96 used, 4 quarantined",
            "night 2026-11-01 applied as version 1",
            "night 2026-11-01 was already applied (version 1)");
    assertThat(onS3.out() + onS3.err())
        .as("credentials never reach the logs")
        .doesNotContain(SECRET);

    // The local reference runs in-process: the launcher's part is what the S3 runs above test.
    Aggregates.run(
        spark,
        LauncherIT.HOME.resolve("examples/annotations.csv"),
        dir.resolve("local"),
        Map.of("softlabels.classes", List.of(LauncherIT.EXAMPLE_CLASSES.split(","))));
    var expected =
        LabelColumns.table(spark.read().parquet(dir.resolve("local/labels").toString()))
            .orderBy("image_id")
            .collectAsList();
    assertThat(
            LabelColumns.table(spark.read().parquet(dir.resolve("aggregate/labels").toString()))
                .orderBy("image_id")
                .collectAsList())
        .isEqualTo(expected);
    assertThat(
            LabelColumns.table(spark.read().parquet(dir.resolve("export").toString()))
                .orderBy("image_id")
                .collectAsList())
        .isEqualTo(expected);
  }
}
