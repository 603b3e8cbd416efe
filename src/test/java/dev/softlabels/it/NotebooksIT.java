package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softlabels.testing.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks run headlessly, top to bottom, on outputs of the project's own jobs
 * (notebooks/prepare-data), with Debian's Jupyter (bin/install-test-tools installs it).
 */
@Environment
@Order(3)
class NotebooksIT {

  @TempDir Path dir;

  @Test
  void everyNotebookRunsTopToBottom() throws Exception {
    Path data = dir.resolve("data");
    LauncherIT.Result prepared =
        LauncherIT.run(
            new ProcessBuilder(
                LauncherIT.HOME.resolve("notebooks/prepare-data").toString(), data.toString()),
            15);
    assertThat(prepared.exitCode()).as(prepared.err()).isZero();

    List<Path> notebooks;
    try (Stream<Path> files = Files.list(LauncherIT.HOME.resolve("notebooks"))) {
      notebooks = files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(notebooks).hasSize(3);
    for (Path notebook : notebooks) {
      assertThat(cells(notebook))
          .as("committed without outputs: " + notebook.getFileName())
          .allSatisfy(cell -> assertThat(cell.path("outputs")).isEmpty());
      ProcessBuilder execute =
          new ProcessBuilder(
              "jupyter-nbconvert",
              "--to",
              "notebook",
              "--execute",
              "--ExecutePreprocessor.timeout=300",
              "--output-dir",
              dir.resolve("executed").toString(),
              notebook.toString());
      execute.environment().put("SOFTLABELS_NOTEBOOK_DATA", data.toString());
      LauncherIT.Result executed = LauncherIT.run(execute);
      assertThat(executed.exitCode()).as(notebook.getFileName() + ": " + executed.err()).isZero();

      List<JsonNode> code =
          cells(dir.resolve("executed").resolve(notebook.getFileName())).stream()
              .filter(cell -> cell.path("cell_type").asText().equals("code"))
              .toList();
      assertThat(code)
          .allSatisfy(
              cell -> {
                assertThat(cell.path("execution_count").isInt()).isTrue();
                assertThat(cell.path("outputs").findValuesAsText("output_type"))
                    .doesNotContain("error");
              });
      assertThat(code.stream().mapToInt(cell -> cell.path("outputs").size()).sum())
          .as("the notebook shows something")
          .isGreaterThan(code.size() / 2);
    }
  }

  private static List<JsonNode> cells(Path notebook) throws Exception {
    JsonNode cells = new ObjectMapper().readTree(Files.readString(notebook)).path("cells");
    return Stream.iterate(0, i -> i < cells.size(), i -> i + 1).map(cells::get).toList();
  }
}
