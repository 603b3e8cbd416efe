package dev.softlabels.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.config.UserError;
import dev.softlabels.testing.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit-by-rename of job outputs on the local file system, without Spark. */
class StagedOutputTest {

  private static final Configuration CONF = new Configuration();

  @TempDir Path dir;

  private StagedOutput open(Path output, boolean overwrite, Path... inputs) {
    return StagedOutput.open(
        CONF,
        output.toString(),
        overwrite,
        "output",
        "aggregate",
        Stream.of(inputs).map(Path::toString).toList(),
        false);
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
    Files.writeString(output.resolve(StagedOutput.MARKER), "aggregate");
    return output;
  }

  @Test
  void theTargetChangesOnlyAtTheCommit() throws IOException {
    Path output = previousOutput();
    try (StagedOutput staged = open(output, true)) {
      writeSummary(staged, "new");
      assertThat(output.resolve("summary.json")).hasContent("previous");
      assertThat(names(dir))
          .hasSize(3)
          .contains("out", ".out.lock")
          .anyMatch(n -> n.startsWith(".out.staging-"));
      staged.commit();
    }
    assertThat(output.resolve("summary.json")).hasContent("new");
    assertThat(output.resolve(StagedOutput.MARKER)).hasContent("aggregate");
    assertThat(names(dir)).containsExactly(".out.lock", "out");
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
    assertThat(names(dir)).containsExactly(".2026-11-01T10:00.lock", "2026-11-01T10:00");
  }

  @Test
  void anOutputThatIsNotCommittedLeavesThePreviousOneAndNoStaging() throws IOException {
    Path output = previousOutput();
    try (StagedOutput staged = open(output, true)) {
      writeSummary(staged, "half");
    }
    assertThat(output.resolve("summary.json")).hasContent("previous");
    assertThat(names(dir)).containsExactly(".out.lock", "out");
  }

  @Test
  void aKilledRunsLeftoversAreRemovedAndAnInterruptedSwapIsUndone() throws IOException {
    // Killed between "previous -> backup" and "staging -> target": only the journal and backup are
    // left.
    Files.createDirectories(dir.resolve(".out.replaced-1234abcd"));
    Files.writeString(dir.resolve(".out.replaced-1234abcd/summary.json"), "previous");
    Files.writeString(dir.resolve(".out.commit"), ".out.replaced-1234abcd");
    Files.createDirectories(dir.resolve(".out.staging-1234abcd/labels"));
    Files.createDirectories(dir.resolve(".out.staging-99999999"));
    Files.createDirectories(dir.resolve(".other.staging-1234abcd"));

    StagedOutput.recover(
        FileSystem.getLocal(CONF), new org.apache.hadoop.fs.Path(dir.resolve("out").toUri()));

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
    assertThat(names(dir)).containsExactly(".out.lock");
  }

  @Test
  void anExistingOutputNeedsOverwrite() throws IOException {
    Path output = previousOutput();
    assertThatThrownBy(() -> open(output, false))
        .isInstanceOf(UserError.class)
        .hasMessage("output already exists: " + output + " (pass --overwrite to replace it)");
    assertThat(names(dir)).containsExactly(".out.lock", "out");
  }

  @Test
  void anOutputThatIsContainsOrIsInsideAnInputIsRefusedBeforeAnyWork() throws IOException {
    Path output = previousOutput();
    Path input = Files.writeString(output.resolve("a.csv"), "image_id,annotator_id,label\n");
    assertThatThrownBy(() -> open(output, true, input))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "output "
                + output
                + " contains the input "
                + input
                + ": write the output somewhere else");
    assertThatThrownBy(() -> open(output, true, output))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "output " + output + " is the input " + output + ": write the output somewhere else");
    assertThatThrownBy(() -> open(output.resolve("sub"), true, output))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "output "
                + output.resolve("sub")
                + " is inside the input "
                + output
                + ": write the output somewhere else");
    assertThat(input).exists();
    assertThat(names(dir)).containsExactly("out");
    assertThat(names(output)).containsExactly(StagedOutput.MARKER, "a.csv", "summary.json");
  }

  @Test
  void aLabelStoreIsNeverAnOutput() throws IOException {
    Path store =
        Files.createDirectories(dir.resolve("store/labels/_delta_log")).getParent().getParent();
    assertThatThrownBy(() -> open(store, true))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "output "
                + store
                + " is the label store "
                + store
                + ": write the output somewhere else");
    assertThatThrownBy(() -> open(store.resolve("export"), true))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("is inside the label store");
    assertThatThrownBy(() -> open(dir, true))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("contains the label store");
    assertThat(store.resolve("labels/_delta_log")).isDirectory();
  }

  @Test
  void anUnwritableOutputIsReportedAtTheStart() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> open(file.resolve("out"), false))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("cannot write output " + file.resolve("out") + ": ");
  }

  @Test
  void aJournalStillBeingWrittenMeansNothingWasMovedYet() throws IOException {
    Path output = previousOutput();
    Files.writeString(dir.resolve(".out.commit-unfinished"), "");
    Files.createDirectories(dir.resolve(".out.staging-1234abcd/labels"));

    StagedOutput.recover(FileSystem.getLocal(CONF), hadoop(output));

    assertThat(output.resolve("summary.json")).hasContent("previous");
    assertThat(names(dir)).containsExactly("out");
  }

  @Test
  void anEmptyJournalNoLongerWedgesTheOutput() throws IOException {
    // What a run killed between creating the journal and writing it used to leave: every later run
    // failed.
    Path output = previousOutput();
    Files.writeString(dir.resolve(".out.commit"), "");
    try (StagedOutput staged = open(output, true)) {
      writeSummary(staged, "new");
      staged.commit();
    }
    assertThat(output.resolve("summary.json")).hasContent("new");

    // Unreadable, with the previous output already moved aside: the one backup there is comes back.
    Files.move(output, dir.resolve(".out.replaced-5678abcd"));
    Files.createDirectories(output.resolve("labels"));
    Files.writeString(dir.resolve(".out.commit"), "");
    StagedOutput.recover(FileSystem.getLocal(CONF), hadoop(output));
    assertThat(output.resolve("summary.json")).hasContent("new");
    assertThat(names(dir)).containsExactly(".out.lock", "out");
  }

  @Test
  void aJournalNamingABackupThatIsNotThereLeavesTheTarget() throws IOException {
    // Killed after the journal, before the previous output was moved aside.
    Path output = previousOutput();
    Files.writeString(dir.resolve(".out.commit"), ".out.replaced-1234abcd");
    StagedOutput.recover(FileSystem.getLocal(CONF), hadoop(output));
    assertThat(output.resolve("summary.json")).hasContent("previous");
    assertThat(names(dir)).containsExactly("out");
  }

  @Test
  void overwriteReplacesOnlyAnEarlierOutputOfTheSameJob() throws IOException {
    Path thesis = Files.createDirectories(dir.resolve("thesis"));
    Files.writeString(thesis.resolve("thesis.txt"), "three years");
    assertThatThrownBy(() -> open(thesis, true))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "output "
                + thesis
                + " was not written by softlabels aggregate (it has no .softlabels-output"
                + " marker), and --overwrite replaces only an earlier output of softlabels aggregate: choose another"
                + " output or remove it yourself");
    Path file = Files.writeString(dir.resolve("notes"), "x");
    assertThatThrownBy(() -> open(file, true))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("output " + file + " is a file, and --overwrite replaces only");
    Path trained = Files.createDirectories(dir.resolve("model"));
    Files.writeString(trained.resolve(StagedOutput.MARKER), "train");
    Files.writeString(trained.resolve("model.zip"), "weights");
    assertThatThrownBy(() -> open(trained, true))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(
            "output " + trained + " is an output of softlabels train, and --overwrite");
    assertThat(thesis.resolve("thesis.txt")).hasContent("three years");
    assertThat(file).hasContent("x");
    assertThat(trained.resolve("model.zip")).hasContent("weights");

    Path empty = Files.createDirectories(dir.resolve("empty"));
    try (StagedOutput staged = open(empty, true)) {
      writeSummary(staged, "new");
      staged.commit();
    }
    assertThat(empty.resolve("summary.json")).hasContent("new");
  }

  @Test
  void aOneFileOutputCarriesItsMarkerBesideIt() throws IOException {
    Path csv = Files.writeString(dir.resolve("labels.csv"), "a,b\n");
    assertThatThrownBy(
            () ->
                StagedOutput.open(CONF, csv.toString(), true, "output", "to-csv", List.of(), true))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("was not written by softlabels to-csv");
    Files.delete(csv);
    for (String text : List.of("first", "second")) {
      try (StagedOutput staged =
          StagedOutput.open(CONF, csv.toString(), true, "output", "to-csv", List.of(), true)) {
        Files.writeString(Path.of(java.net.URI.create(staged.file())), text);
        staged.commit();
      }
      assertThat(csv).hasContent(text);
    }
    assertThat(dir.resolve(".labels.csv" + StagedOutput.MARKER)).hasContent("to-csv");
  }

  @Test
  void replacingAOneFileOutputLeavesItsMarkerUntouched() throws IOException {
    Path csv = dir.resolve("labels.csv");
    Path marker = dir.resolve(".labels.csv" + StagedOutput.MARKER);
    FileTime longAgo = FileTime.fromMillis(946_684_800_000L);
    for (String text : List.of("first", "second")) {
      try (StagedOutput staged =
          StagedOutput.open(CONF, csv.toString(), true, "output", "to-csv", List.of(), true)) {
        Files.writeString(Path.of(java.net.URI.create(staged.file())), text);
        staged.commit();
      }
      if (text.equals("first")) {
        Files.setLastModifiedTime(marker, longAgo);
      }
    }
    assertThat(csv).hasContent("second");
    assertThat(marker).hasContent("to-csv");
    // Not rewritten by the second commit: a kill there cannot leave the first output unmarked.
    assertThat(Files.getLastModifiedTime(marker)).isEqualTo(longAgo);
  }

  @Test
  void symbolicLinksDoNotHideThatAnOutputHoldsItsInput() throws IOException {
    Path output = previousOutput();
    Path input = Files.writeString(output.resolve("a.csv"), "image_id,annotator_id,label\n");
    Path link = Files.createSymbolicLink(dir.resolve("link"), output);
    assertThatThrownBy(() -> open(output, true, link.resolve("a.csv")))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "output "
                + output
                + " contains the input "
                + link.resolve("a.csv")
                + ": write the output somewhere else");
    Path parentLink = Files.createSymbolicLink(dir.resolve("parent"), dir);
    assertThatThrownBy(() -> open(parentLink.resolve("out"), true, input))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("contains the input " + input);
    assertThatThrownBy(() -> open(link, true, input))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("contains the input " + input);
    assertThat(input).exists();
  }

  @Test
  void oneWriterAtATime() throws IOException {
    Path output = dir.resolve("out");
    try (StagedOutput first = open(output, false)) {
      assertThatThrownBy(() -> open(output, false))
          .isInstanceOf(UserError.class)
          .hasMessageStartingWith("another run (process " + ProcessHandle.current().pid() + "@")
          .hasMessageContaining(
              "is writing output " + output + "; wait for it to finish and run this again");
      writeSummary(first, "first");
      first.commit();
    }
    assertThatThrownBy(() -> open(output, false))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void anOutputThatAppearsWhileTheRunWritesIsNotReplacedWithoutOverwrite() throws IOException {
    Path output = dir.resolve("out");
    try (StagedOutput staged = open(output, false)) {
      writeSummary(staged, "mine");
      // Another writer that took no lock (an older version, a copy by hand).
      Files.createDirectories(output);
      Files.writeString(output.resolve("summary.json"), "theirs");
      assertThatThrownBy(staged::commit)
          .isInstanceOf(UserError.class)
          .hasMessage(
              "output "
                  + output
                  + " was created by another run while this one was writing it; nothing"
                  + " written (pass --overwrite to replace it)");
    }
    assertThat(output.resolve("summary.json")).hasContent("theirs");
  }

  @Test
  void aMountPointIsRefusedBeforeAnyWorkAndKeepsItsContents() throws Exception {
    Path output = previousOutput();
    Assumptions.assumeTrue(
        Mounts.bind(output), "needs a bind mount (root); an immutable folder is the same case");
    try {
      assertThatThrownBy(() -> open(output, true))
          .isInstanceOf(UserError.class)
          .hasMessageStartingWith("output " + output + " cannot be renamed (")
          .hasMessageEndingWith("give a folder inside it instead, e.g. " + output.resolve("run"));
      assertThat(output.resolve("summary.json")).hasContent("previous");
      assertThat(names(dir)).containsExactly(".out.lock", "out");
      try (StagedOutput inside = open(output.resolve("run"), false)) {
        writeSummary(inside, "new");
        inside.commit();
      }
      assertThat(output.resolve("run/summary.json")).hasContent("new");
    } finally {
      Mounts.unmount(output);
    }
  }

  private static org.apache.hadoop.fs.Path hadoop(Path path) {
    return new org.apache.hadoop.fs.Path("file:" + path);
  }
}
