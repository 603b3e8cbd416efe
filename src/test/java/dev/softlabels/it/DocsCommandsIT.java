package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.it.DocBlocks.Block;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs cannot rot: every shell block of README.md and docs/*.md runs with bash and must exit 0.
 * Each page gets a fresh working folder, its blocks run there in order (a later block may read what
 * an earlier one wrote), with bin/ scripts that hand over to the repository's and the repository's
 * examples/ and conf/. A block marked {@code <!-- docs-check: skip — REASON -->} is listed with its
 * reason instead.
 */
@Order(13)
class DocsCommandsIT {

  /**
   * A block is a few launcher starts on small inputs; this ends one that hangs on a loaded machine.
   */
  private static final Duration BLOCK_LIMIT = Duration.ofMinutes(10);

  private static final int OUTPUT_TAIL_LINES = 40;

  @TempDir Path dir;

  @Test
  void everyShellBlockOfTheReadmeAndTheDocsRuns() throws Exception {
    List<Block> blocks = new ArrayList<>();
    for (Path page : pages()) {
      String name = LauncherIT.HOME.relativize(page).toString();
      blocks.addAll(DocBlocks.parse(name, Files.readString(page, StandardCharsets.UTF_8)));
    }
    List<Block> skipped = blocks.stream().filter(b -> b.skipReason() != null).toList();
    System.out.println("docs check: " + skipped.size() + " blocks skipped:");
    skipped.forEach(b -> System.out.println("  " + b.where() + " — " + b.skipReason()));

    List<String> failures = new ArrayList<>();
    long start = System.nanoTime();
    String failedPage = null;
    int ran = 0;
    for (Block block : blocks.stream().filter(Block::runs).toList()) {
      if (block.page().equals(failedPage)) {
        failures.add(block.where() + ": not run, an earlier block of its page failed");
        continue;
      }
      long blockStart = System.nanoTime();
      LauncherIT.Result result = run(block, dir.resolve(block.page().replace('/', '_')));
      ran++;
      System.out.printf(
          "docs check: %s ran in %.1f s, exit %d%n",
          block.where(), (System.nanoTime() - blockStart) / 1e9, result.exitCode());
      if (result.exitCode() != 0) {
        failedPage = block.page();
        failures.add(
            block.where()
                + " exited "
                + result.exitCode()
                + ":\n"
                + block.code()
                + "--- output (last "
                + OUTPUT_TAIL_LINES
                + " lines):\n"
                + tail(result.out() + result.err()));
      }
    }
    System.out.printf(
        "docs check: %d blocks ran in %.0f s, %d skipped%n",
        ran, (System.nanoTime() - start) / 1e9, skipped.size());

    assertThat(failures).as("shell blocks of the docs that fail").isEmpty();
    assertThat(blocks.stream().filter(b -> b.page().equals("README.md") && b.runs()).count())
        .as("the README's quickstart blocks")
        .isGreaterThanOrEqualTo(3);
    // LauncherIT runs two more, and checks what they print (their skip reasons say so).
    assertThat(ran).as("shell blocks run").isGreaterThanOrEqualTo(18);
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(LauncherIT.HOME.resolve("README.md")));
    try (Stream<Path> docs = Files.list(LauncherIT.HOME.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** The first shell block of a page (relative to the repository), as the docs check reads it. */
  static Block firstShellBlock(String page) throws IOException {
    return DocBlocks.parse(page, Files.readString(LauncherIT.HOME.resolve(page))).stream()
        .filter(block -> DocBlocks.SHELL.contains(block.language()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * Runs the block with bash -e in {@code work}, made like a user's checkout on the first block run
   * there (a later block of a page may read what an earlier one wrote); the script and its output
   * go beside it.
   */
  static LauncherIT.Result run(Block block, Path work) throws IOException, InterruptedException {
    if (!Files.isDirectory(work)) {
      prepare(work);
    }
    Path script = Files.writeString(work.resolveSibling(work.getFileName() + ".sh"), block.code());
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-e", "-o", "pipefail", script.toString())
            .directory(work.toFile());
    Path out = work.resolveSibling(work.getFileName() + ".out");
    Path err = work.resolveSibling(work.getFileName() + ".err");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    try (ProcessTree tree = ProcessTree.start(builder)) {
      if (!tree.waitFor(BLOCK_LIMIT)) {
        return new LauncherIT.Result(
            124,
            Files.readString(out),
            Files.readString(err) + "\n(stopped after " + BLOCK_LIMIT.toMinutes() + " minutes)");
      }
      return new LauncherIT.Result(
          tree.process().exitValue(), Files.readString(out), Files.readString(err));
    }
  }

  /**
   * A working folder as a user's checkout looks from the docs' point of view: bin/ scripts that run
   * the repository's (a link would make the launcher take this folder for its installation), and
   * links to the repository's examples/ and conf/, which the blocks only read.
   */
  private static void prepare(Path work) throws IOException {
    Path bin = Files.createDirectories(work.resolve("bin"));
    try (Stream<Path> scripts = Files.list(LauncherIT.HOME.resolve("bin"))) {
      for (Path script : scripts.toList()) {
        Path wrapper = bin.resolve(script.getFileName());
        Files.writeString(wrapper, "#!/usr/bin/env bash\nexec '" + script + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    for (String folder : List.of("examples", "conf")) {
      Files.createSymbolicLink(work.resolve(folder), LauncherIT.HOME.resolve(folder));
    }
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join(
        "\n", lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size()));
  }
}
