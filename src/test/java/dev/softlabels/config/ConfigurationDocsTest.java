package dev.softlabels.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every key of reference.conf, each in a table row of its own, and no
 * key that reference.conf does not have: a key added, renamed or removed without its documentation
 * fails here.
 */
class ConfigurationDocsTest {

  private static final Path PAGE = Path.of("docs/configuration.md");

  /** A table row whose first cell is a key: | `softlabels.a.b` | default | meaning |. */
  private static final Pattern KEY_ROW =
      Pattern.compile("^\\| `(softlabels\\.[^`]+)` \\|", Pattern.MULTILINE);

  @Test
  void everyKeyOfReferenceConfHasARowAndEveryRowIsAKey() throws IOException {
    Set<String> keys = new TreeSet<>();
    collectKeys(ConfigFactory.parseResources("reference.conf").root(), "", keys);
    Set<String> rows = new TreeSet<>();
    Matcher row = KEY_ROW.matcher(Files.readString(PAGE));
    while (row.find()) {
      rows.add(row.group(1));
    }

    assertThat(keys)
        .as("reference.conf's keys")
        .hasSizeGreaterThan(100)
        .contains(
            "softlabels.classes",
            "softlabels.train.presets.paper.optimizer.learning-rate",
            "softlabels.spark.conf",
            "softlabels.embed.models");
    assertThat(rows)
        .as(
            "the keys of reference.conf documented in "
                + PAGE
                + " (add a row | `KEY` | default | meaning |)")
        .containsAll(keys);
    assertThat(keys)
        .as(
            "the keys documented in "
                + PAGE
                + " that reference.conf lacks (remove or rename the row)")
        .containsAll(rows);
  }

  @Test
  void anEmptyObjectIsAKeyAndANestedOneIsNot() {
    Set<String> keys = new TreeSet<>();
    collectKeys(ConfigFactory.parseString("a { b = 1, c { d = x }, e {} }").root(), "", keys);

    assertThat(keys).containsExactly("a.b", "a.c.d", "a.e");
  }

  /**
   * Leaf values and empty objects (spark.conf {}, embed.models {}: maps the user fills) are the
   * keys.
   */
  private static void collectKeys(ConfigObject object, String prefix, Set<String> keys) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      String path = prefix + entry.getKey();
      ConfigValue value = entry.getValue();
      if (value.valueType() == ConfigValueType.OBJECT && !((ConfigObject) value).isEmpty()) {
        collectKeys((ConfigObject) value, path + ".", keys);
      } else {
        keys.add(path);
      }
    }
  }
}
