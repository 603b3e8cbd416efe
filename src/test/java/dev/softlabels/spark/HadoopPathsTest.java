package dev.softlabels.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths as the user gives them, on the local file system, without Spark. */
class HadoopPathsTest {

  private static final HadoopPaths PATHS = HadoopPaths.of(new Configuration());

  @TempDir Path dir;

  /**
   * Hadoop would take the part before the colon for a URI scheme, and refuse the rest as a relative
   * path.
   */
  @Test
  void aRelativeNameWithAColonIsAFileInTheWorkingDirectory() {
    String cwd = Path.of("").toAbsolutePath().toString();
    assertThat(PATHS.qualified("2026-11-01T10:00.csv"))
        .isEqualTo("file:" + cwd + "/2026-11-01T10:00.csv");
    assertThat(PATHS.exists("2026-11-01T10:00.csv")).isFalse();
    assertThat(HadoopPaths.child("nights", "2026-11-01T10:00.csv"))
        .isEqualTo("nights/2026-11-01T10:00.csv");
    assertThat(PATHS.qualified("s3a://bucket/a:b")).isEqualTo("s3a://bucket/a:b");
  }

  @Test
  void filesNamedWithAColonAreWrittenReadAndListed() throws Exception {
    String file = HadoopPaths.child(dir.toString(), "2026-11-01T10:00.json");
    PATHS.writeText(file, "{}");
    assertThat(PATHS.readText(file)).isEqualTo("{}");
    assertThat(PATHS.fileNames(dir.toString())).containsExactly("2026-11-01T10:00.json");
    PATHS.copy(file, HadoopPaths.child(dir.toString(), "copy:1.json"));
    assertThat(Files.readString(dir.resolve("copy:1.json"))).isEqualTo("{}");
  }
}
