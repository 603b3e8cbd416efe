package dev.softlabels.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit-by-rename of job outputs on the local file system, without Spark. */
class StagedOutputTest {

  private static final Configuration CONF = new Configuration();

  @TempDir Path dir;

  private StagedOutput open(Path output, boolean overwrite, Path... inputs) {
    return StagedOutput.open(CONF, output.toString(), overwrite, "output",
        Stream.of(inputs).map(Path::toString).toList(), false);
  }

  /** Every name in the folder, hidden ones included. */
  private List<String> names(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void writeSummary(StagedOutput staged, String text) throws IOException {
    Files.writeString(Path.of(java.net.URI.create(staged.child("summary.json"))), text);
  }

  private Path previousOutput() throws IOException {
    Path output = Files.createDirectories(dir.resolve("out"));
    Files.writeString(output.resolve("summary.json"), "previous");
    return output;
  }

  @Test
  void theTargetChangesOnlyAtTheCommit() throws IOException {
    Path output = previousOutput();
    try (StagedOutput staged = open(output, true)) {
      writeSummary(staged, "new");
      assertThat(output.resolve("summary.json")).hasContent("previous");
      assertThat(names(dir)).hasSize(2).contains("out").anyMatch(n -> n.startsWith(".out.staging-"));
      staged.commit();
    }
    assertThat(output.resolve("summary.json")).hasContent("new");
    assertThat(names(dir)).containsExactly("out");
  }

  /** The staging folder's name, .NAME.staging-ID, would put the colon before any slash. */
  @Test
  void anOutputNamedWithAColonIsStagedAndCommitted() throws IOException {
    Path output = dir.resolve("2026-11-01T10:00");
    try (StagedOutput staged = open(output, false)) {
      writeSummary(staged, "new");
      staged.commit();
    }
    assertThat(output.resolve("summary.json")).hasContent("new");
    assertThat(names(dir)).containsExactly("2026-11-01T10:00");
  }

  @Test
  void anOutputThatIsNotCommittedLeavesThePreviousOneAndNoStaging() throws IOException {
    Path output = previousOutput();
    try (StagedOutput staged = open(output, true)) {
      writeSummary(staged, "half");
    }
    assertThat(output.resolve("summary.json")).hasContent("previous");
    assertThat(names(dir)).containsExactly("out");
  }

  @Test
  void aKilledRunsLeftoversAreRemovedAndAnInterruptedSwapIsUndone() throws IOException {
    // Killed between "previous -> backup" and "staging -> target": only the journal and backup are left.
    Files.createDirectories(dir.resolve(".out.replaced-1234abcd"));
    Files.writeString(dir.resolve(".out.replaced-1234abcd/summary.json"), "previous");
    Files.writeString(dir.resolve(".out.commit"), ".out.replaced-1234abcd");
    Files.createDirectories(dir.resolve(".out.staging-1234abcd/labels"));
    Files.createDirectories(dir.resolve(".out.staging-99999999"));
    Files.createDirectories(dir.resolve(".other.staging-1234abcd"));

    StagedOutput.recover(FileSystem.getLocal(CONF), new org.apache.hadoop.fs.Path(dir.resolve("out").toUri()));

    assertThat(dir.resolve("out/summary.json")).hasContent("previous");
    assertThat(names(dir)).containsExactly(".other.staging-1234abcd", "out");
  }

  @Test
  void aPartialFirstOutputIsRemovedWhenTheJournalSaysThereWasNone() throws IOException {
    Files.createDirectories(dir.resolve("out/labels"));
    Files.writeString(dir.resolve(".out.commit"), "-");

    try (StagedOutput staged = open(dir.resolve("out"), false)) {
      assertThat(dir.resolve("out")).doesNotExist();
    }
    assertThat(names(dir)).isEmpty();
  }

  @Test
  void anExistingOutputNeedsOverwrite() throws IOException {
    Path output = previousOutput();
    assertThatThrownBy(() -> open(output, false)).isInstanceOf(UserError.class)
        .hasMessage("output already exists: " + output + " (pass --overwrite to replace it)");
    assertThat(names(dir)).containsExactly("out");
  }

  @Test
  void anOutputThatIsContainsOrIsInsideAnInputIsRefusedBeforeAnyWork() throws IOException {
    Path output = previousOutput();
    Path input = Files.writeString(output.resolve("a.csv"), "image_id,annotator_id,label\n");
    assertThatThrownBy(() -> open(output, true, input)).isInstanceOf(UserError.class)
        .hasMessage("output " + output + " contains the input " + input + ": write the output somewhere else");
    assertThatThrownBy(() -> open(output, true, output)).isInstanceOf(UserError.class)
        .hasMessage("output " + output + " is the input " + output + ": write the output somewhere else");
    assertThatThrownBy(() -> open(output.resolve("sub"), true, output)).isInstanceOf(UserError.class)
        .hasMessage("output " + output.resolve("sub") + " is inside the input " + output
            + ": write the output somewhere else");
    assertThat(input).exists();
    assertThat(names(dir)).containsExactly("out");
  }

  @Test
  void aLabelStoreIsNeverAnOutput() throws IOException {
    Path store = Files.createDirectories(dir.resolve("store/labels/_delta_log")).getParent().getParent();
    assertThatThrownBy(() -> open(store, true)).isInstanceOf(UserError.class)
        .hasMessage("output " + store + " is the label store " + store + ": write the output somewhere else");
    assertThatThrownBy(() -> open(store.resolve("export"), true)).isInstanceOf(UserError.class)
        .hasMessageContaining("is inside the label store");
    assertThatThrownBy(() -> open(dir, true)).isInstanceOf(UserError.class)
        .hasMessageContaining("contains the label store");
    assertThat(store.resolve("labels/_delta_log")).isDirectory();
  }

  @Test
  void anUnwritableOutputIsReportedAtTheStart() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> open(file.resolve("out"), false)).isInstanceOf(UserError.class)
        .hasMessageStartingWith("cannot write output " + file.resolve("out") + ": ");
  }
}
