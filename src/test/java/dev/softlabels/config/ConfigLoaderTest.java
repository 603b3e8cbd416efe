package dev.softlabels.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
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
    assertThat(config.getStringList("softlabels.classes")).hasSize(6).startsWith("red_circle");
    assertThat(config.getString("softlabels.annotations.columns.image")).isEqualTo("image_id");
    assertThat(config.getBoolean("softlabels.aggregate.overwrite")).isFalse();
  }

  @Test
  void layersApplyInOrderApplicationThenFileThenOverrides() throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    TestFiles.write(dir.resolve("conf"), "application.conf",
        "softlabels.aggregate.output = from-application", "softlabels.aggregate.input = from-application");
    Path file = TestFiles.write(dir, "job.conf", "softlabels.aggregate.input = from-file");
    Config config = ConfigLoader.load(Optional.of(dir), Optional.of(file),
        Map.of("softlabels.annotations.format", "csv"));
    assertThat(config.getString("softlabels.aggregate.output")).isEqualTo("from-application");
    assertThat(config.getString("softlabels.aggregate.input")).isEqualTo("from-file");
    assertThat(config.getString("softlabels.annotations.format")).isEqualTo("csv");
  }

  @Test
  void overrideValuesKeepPathsIntactAndReadListsAsHocon() {
    Config config = ConfigLoader.withOverrides(Map.of(
        "softlabels.aggregate.input", "s3a://bucket/annotations//day=1",
        "softlabels.classes", "[cat, dog]"));
    assertThat(config.getString("softlabels.aggregate.input")).isEqualTo("s3a://bucket/annotations//day=1");
    assertThat(config.getStringList("softlabels.classes")).containsExactly("cat", "dog");
    assertThat(ConfigLoader.withOverrides(Map.of("softlabels.classes", List.of("a", "b")))
        .getStringList("softlabels.classes")).containsExactly("a", "b");
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
    Config config = ConfigLoader.withOverrides(Map.of("softlabels.spark.conf.spark.sql.shuffle.partitions", "7"));
    assertThat(config.getConfig("softlabels.spark.conf").entrySet()).hasSize(1);
  }

  @Test
  void wrongTypesNameTheKey() {
    Path file = TestFiles.write(dir, "bad.conf", "softlabels.classes = 3");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Optional.of(file), Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("softlabels.classes");
    // Strings are only converted when a typed settings object reads them, and that names the key too.
    Config config = ConfigLoader.withOverrides(Map.of("softlabels.aggregate.overwrite", "maybe"));
    assertThatThrownBy(() -> config.getBoolean("softlabels.aggregate.overwrite"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("softlabels.aggregate.overwrite");
  }

  @Test
  void aMissingConfFileIsAUserError() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Optional.of(dir.resolve("nope.conf")), Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessage("configuration file not found: " + dir.resolve("nope.conf") + " (--conf)");
  }

  @Test
  void classListsNeedTwoDistinctNames() {
    assertThatThrownBy(() -> new ClassList(List.of("only"))).isInstanceOf(UserError.class);
    assertThatThrownBy(() -> new ClassList(List.of("a", "a"))).hasMessageContaining("duplicate");
  }
}
