package dev.softlabels.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.testing.TestFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {

  private static final String PARTITIONS = "spark.sql.shuffle.partitions";

  @TempDir Path dir;

  /**
   * bin/softlabels sets the JVM default; a file's softlabels.spark.conf beats it, the command's -D
   * beats both.
   */
  @Test
  void commandDBeatsFilesWhichBeatTheLaunchersJvmDefault() {
    SparkConf jvm = new SparkConf(false).set("spark.master", "local[*]").set(PARTITIONS, "8");
    Path file =
        TestFiles.write(dir, "job.conf", "softlabels.spark.conf { \"" + PARTITIONS + "\" = 64 }");
    SparkConf fromD =
        Sessions.settings(
            jvm, ConfigLoader.load(Optional.empty(), Optional.of(file), Map.of(PARTITIONS, "1")));
    SparkConf fromFile =
        Sessions.settings(jvm, ConfigLoader.load(Optional.empty(), Optional.of(file), Map.of()));
    SparkConf fromJvm = Sessions.settings(jvm, ConfigLoader.withOverrides(Map.of()));
    assertThat(fromD.get(PARTITIONS)).isEqualTo("1");
    assertThat(fromFile.get(PARTITIONS)).isEqualTo("64");
    assertThat(fromJvm.get(PARTITIONS)).isEqualTo("8");
    assertThat(fromD.get("spark.master")).isEqualTo("local[*]");
    assertThat(jvm.get(PARTITIONS)).as("the JVM's settings are left as they were").isEqualTo("8");
  }
}
