package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softlabels.it.DocBlocks.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocBlocksTest {

  @Test
  void findsTheShellBlocksToRunAndTheSkippedOnesWithTheirReasons() {
    String page =
        String.join(
            "\n",
            "# Page",
            "",
            "```bash",
            "bin/softlabels aggregate --input a.csv \\",
            "  --output out",
            "```",
            "",
            "```text",
            "bin/softlabels aggregate --input PATH [--overwrite]",
            "```",
            "",
            "<!-- docs-check: skip — needs a Spark cluster -->",
            "```bash",
            "bin/softlabels --master spark://HOST:7077 aggregate",
            "```",
            "- a list item with its own block:",
            "",
            "  ````hocon",
            "  a = \"```\"",
            "  ````",
            "```",
            "12:00:00 INFO a log line",
            "```",
            "");

    List<Block> blocks = DocBlocks.parse("page.md", page);

    assertThat(blocks)
        .containsExactly(
            new Block(
                "page.md",
                3,
                "bash",
                "bin/softlabels aggregate --input a.csv \\\n  --output out\n",
                null),
            new Block(
                "page.md",
                8,
                "text",
                "bin/softlabels aggregate --input PATH [--overwrite]\n",
                null),
            new Block(
                "page.md",
                13,
                "bash",
                "bin/softlabels --master spark://HOST:7077 aggregate\n",
                "needs a Spark cluster"),
            new Block("page.md", 18, "hocon", "  a = \"```\"\n", null),
            new Block("page.md", 21, "", "12:00:00 INFO a log line\n", null));
    assertThat(blocks).filteredOn(Block::runs).extracting(Block::line).containsExactly(3);
  }

  @Test
  void refusesASkipWithoutAReasonOrAwayFromItsShellBlock() {
    assertThatThrownBy(
            () -> DocBlocks.parse("p.md", "<!-- docs-check: skip -->\n```bash\ntrue\n```\n"))
        .hasMessage(
            "p.md:1: a docs-check skip needs its reason: <!-- docs-check: skip — REASON -->");
    assertThatThrownBy(
            () ->
                DocBlocks.parse(
                    "p.md", "<!-- docs-check: skip — slow -->\ntext\n```bash\ntrue\n```\n"))
        .hasMessage("p.md:1: a docs-check skip must stand just above the block it skips");
    assertThatThrownBy(
            () -> DocBlocks.parse("p.md", "<!-- docs-check: skip — slow -->\n```text\nx\n```\n"))
        .hasMessage("p.md:1: a docs-check skip above a text block, which is never run");
    assertThatThrownBy(() -> DocBlocks.parse("p.md", "x\n<!-- docs-check: skip - slow -->\n"))
        .hasMessage("p.md:2: a docs-check skip with no block below it");
    assertThatThrownBy(() -> DocBlocks.parse("p.md", "```bash\ntrue\n"))
        .hasMessage("p.md:1: a code block that is never closed");
  }
}
