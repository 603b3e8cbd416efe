package dev.softlabels.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.softlabels.labels.ClassList;
import dev.softlabels.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void referenceDefaultsApplyWhenNothingIsOverridden() {
    Config config = ConfigLoader.withOverrides(Map.of());
    assertThat(config.getStringList("softlabels.classes"))
        .as("empty: inferred from the data")
        .isEmpty();
    assertThat(config.getString("softlabels.annotations.columns.image")).isEqualTo("image_id");
    assertThat(config.getBoolean("softlabels.aggregate.overwrite")).isFalse();
  }

  @Test
  void layersApplyInOrderApplicationThenFileThenOverrides() throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    TestFiles.write(
        dir.resolve("conf"),
        "application.conf",
        "softlabels.aggregate.output = from-application",
        "softlabels.aggregate.input = from-application");
    Path file = TestFiles.write(dir, "job.conf", "softlabels.aggregate.input = from-file");
    Config config =
        ConfigLoader.load(
            Optional.of(dir), Optional.of(file), Map.of("softlabels.annotations.format", "csv"));
    assertThat(config.getString("softlabels.aggregate.output")).isEqualTo("from-application");
    assertThat(config.getString("softlabels.aggregate.input")).isEqualTo("from-file");
    assertThat(config.getString("softlabels.annotations.format")).isEqualTo("csv");
  }

  @Test
  void overrideValuesKeepPathsIntactAndReadListsAsHocon() {
    Config config =
        ConfigLoader.withOverrides(
            Map.of(
                "softlabels.aggregate.input", "s3a://bucket/annotations//day=1",
                "softlabels.classes", "[cat, dog]"));
    assertThat(config.getString("softlabels.aggregate.input"))
        .isEqualTo("s3a://bucket/annotations//day=1");
    assertThat(config.getStringList("softlabels.classes")).containsExactly("cat", "dog");
    assertThat(
            ConfigLoader.withOverrides(Map.of("softlabels.classes", List.of("a", "b")))
                .getStringList("softlabels.classes"))
        .containsExactly("a", "b");
  }

  @Test
  void unknownKeysAreRejectedWithASuggestion() {
    assertThatThrownBy(() -> ConfigLoader.withOverrides(Map.of("softlabels.agregate.input", "x")))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("unknown configuration key softlabels.agregate.input")
        .hasMessageContaining("did you mean softlabels.aggregate.input?");
  }

  @Test
  void sparkSettingsAreAFreeFormMap() {
    Config config =
        ConfigLoader.withOverrides(
            Map.of("softlabels.spark.conf.spark.sql.shuffle.partitions", "7"));
    assertThat(config.getConfig("softlabels.spark.conf").entrySet()).hasSize(1);
  }

  @Test
  void wrongTypesNameTheKey() {
    Path file = TestFiles.write(dir, "bad.conf", "softlabels.classes = 3");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Optional.of(file), Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("softlabels.classes");
    // Strings are only converted when a typed settings object reads them, and that names the key
    // too.
    Config config = ConfigLoader.withOverrides(Map.of("softlabels.aggregate.overwrite", "maybe"));
    assertThatThrownBy(() -> config.getBoolean("softlabels.aggregate.overwrite"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("softlabels.aggregate.overwrite");
  }

  @Test
  void aMissingConfFileIsAUserError() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Optional.of(dir.resolve("nope.conf")), Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessage("configuration file not found: " + dir.resolve("nope.conf") + " (--conf)");
  }

  @Test
  void classListsNeedTwoDistinctNames() {
    assertThatThrownBy(() -> new ClassList(List.of("only"))).isInstanceOf(UserError.class);
    assertThatThrownBy(() -> new ClassList(List.of("a", "a"))).hasMessageContaining("duplicate");
  }

  @Test
  void aDKeyOutsideSoftlabelsAndSparkIsRefusedWithTheKeyItWasMeantFor() {
    assertThatThrownBy(() -> ConfigLoader.withOverrides(Map.of("softlables.classes", "[a, b]")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "unknown configuration key softlables.classes from -Dsoftlables.classes "
                + "(did you mean softlabels.classes?)");
    assertThatThrownBy(
            () -> ConfigLoader.withOverrides(Map.of("sprak.sql.shuffle.partitions", "1")))
        .hasMessage(
            "unknown configuration key sprak.sql.shuffle.partitions from -Dsprak.sql.shuffle.partitions "
                + "(did you mean spark.sql.shuffle.partitions?)");
    assertThatThrownBy(() -> ConfigLoader.withOverrides(Map.of("aggregate.input", "x")))
        .hasMessage(
            "unknown configuration key aggregate.input from -Daggregate.input "
                + "(did you mean softlabels.aggregate.input?)");
  }

  @Test
  void filesSetOnlySoftlabels() throws Exception {
    Path misspelt = TestFiles.write(dir, "misspelt.conf", "softlables { classes = [a, b] }");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Optional.of(misspelt), Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "unknown configuration key softlables.classes from "
                + misspelt
                + ": 1 (did you mean softlabels.classes?)");
    Files.createDirectories(dir.resolve("conf"));
    Path application =
        TestFiles.write(
            dir.resolve("conf"),
            "application.conf",
            "spark.conff { \"spark.sql.shuffle.partitions\" = 4 }");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir), Optional.empty(), Map.of()))
        .hasMessage(
            "unknown configuration key spark.conff.\"spark.sql.shuffle.partitions\" from "
                + application
                + ": 1 (did you mean softlabels.spark.conf.\"spark.sql.shuffle.partitions\"?)");
    assertThat(
            ConfigLoader.load(
                    Optional.empty(), Optional.of(Path.of("conf/cifar10h.conf")), Map.of())
                .getStringList("softlabels.classes"))
        .hasSize(10)
        .startsWith("airplane");
  }

  @Test
  void aJvmSystemPropertyUnderAMisspeltRootIsRefused() {
    System.setProperty("softlables.classes", "[a, b]");
    try {
      assertThatThrownBy(() -> ConfigLoader.withOverrides(Map.of()))
          .isInstanceOf(UserError.class)
          .hasMessage(
              "unknown configuration key softlables.classes from JVM system property "
                  + "-Dsoftlables.classes (did you mean softlabels.classes?)");
    } finally {
      System.clearProperty("softlables.classes");
    }
  }

  @Test
  void aJvmSystemPropertyWithATypoUnderSoftlabelsIsRefused() {
    System.setProperty("softlabels.agregate.input", "x");
    // Typesafe Config reads system properties once per JVM; a real JVM has them from the start.
    ConfigFactory.invalidateCaches();
    try {
      assertThatThrownBy(() -> ConfigLoader.withOverrides(Map.of()))
          .isInstanceOf(UserError.class)
          .hasMessageStartingWith("unknown configuration key softlabels.agregate.input from")
          .hasMessageEndingWith("(did you mean softlabels.aggregate.input?)");
    } finally {
      System.clearProperty("softlabels.agregate.input");
      ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void aSparkSettingGivenWithDIsASparkConfEntryThatWinsOverFiles() {
    Path file =
        TestFiles.write(
            dir, "job.conf", "softlabels.spark.conf { \"spark.sql.shuffle.partitions\" = 64 }");
    Config config =
        ConfigLoader.load(
            Optional.empty(), Optional.of(file), Map.of("spark.sql.shuffle.partitions", "1"));
    assertThat(config.getString("softlabels.spark.conf.\"spark.sql.shuffle.partitions\""))
        .isEqualTo("1");
  }

  @Test
  void classNamesAreTrimmedAndBlankOnesStayRefused() {
    assertThat(new ClassList(List.of(" cat", "dog ", " fox ")).names())
        .containsExactly("cat", "dog", "fox");
    Config quoted =
        ConfigLoader.withOverrides(Map.of("softlabels.classes", "[\" cat\", \"dog \"]"));
    assertThat(new ClassList(quoted.getStringList("softlabels.classes")).names())
        .containsExactly("cat", "dog");
    assertThatThrownBy(() -> new ClassList(List.of("cat", " cat")))
        .hasMessage("softlabels.classes has duplicate names: [cat, cat]");
    assertThatThrownBy(() -> new ClassList(List.of("cat", " ")))
        .hasMessage("softlabels.classes has a blank class name: [cat, ]");
  }
}
