package dev.softlabels.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of a Markdown page, for the docs check: which are shell commands to run,
 * and which of those a {@code <!-- docs-check: skip — REASON -->} line just above marks as not
 * runnable here.
 */
final class DocBlocks {

  /**
   * The languages whose blocks are run with bash; every other block (text, hocon, python, …) is
   * read only.
   */
  static final List<String> SHELL = List.of("bash", "sh");

  private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,})\\s*([\\w+-]*)\\s*$");
  private static final Pattern SKIP =
      Pattern.compile("^\\s*<!--\\s*docs-check:\\s*skip\\b(.*?)-->\\s*$");
  private static final Pattern REASON = Pattern.compile("^\\s*[—–:-]+\\s*(\\S.*?)\\s*$");

  /**
   * A block: the page, the line of its opening fence (1-based), its language, its code, and the
   * reason it is skipped (null when it runs).
   */
  record Block(String page, int line, String language, String code, String skipReason) {

    boolean runs() {
      return SHELL.contains(language) && skipReason == null;
    }

    String where() {
      return page + ":" + line;
    }
  }

  private DocBlocks() {}

  /**
   * The page's blocks in order. A skip marker must name its reason and stand on the last non-blank
   * line before a shell block's fence; anywhere else it is refused, so a marker cannot outlive its
   * block.
   */
  static List<Block> parse(String page, String markdown) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    String pendingSkip = null;
    int pendingSkipLine = 0;
    for (int i = 0; i < lines.length; i++) {
      Matcher skip = SKIP.matcher(lines[i]);
      Matcher fence = FENCE.matcher(lines[i]);
      if (skip.matches()) {
        Matcher reason = REASON.matcher(skip.group(1));
        if (!reason.matches()) {
          throw new IllegalArgumentException(
              page
                  + ":"
                  + (i + 1)
                  + ": a docs-check skip needs its reason: "
                  + "<!-- docs-check: skip — REASON -->");
        }
        pendingSkip = reason.group(1);
        pendingSkipLine = i + 1;
      } else if (fence.matches()) {
        String language = fence.group(2);
        int close = closingFence(lines, i, fence.group(1).length());
        if (close < 0) {
          throw new IllegalArgumentException(
              page + ":" + (i + 1) + ": a code block that is never closed");
        }
        if (pendingSkip != null && !SHELL.contains(language)) {
          throw new IllegalArgumentException(
              page
                  + ":"
                  + pendingSkipLine
                  + ": a docs-check skip above a "
                  + (language.isEmpty() ? "plain" : language)
                  + " block, which is never run");
        }
        String code = String.join("\n", List.of(lines).subList(i + 1, close)) + "\n";
        blocks.add(new Block(page, i + 1, language, code, pendingSkip));
        pendingSkip = null;
        i = close;
      } else if (!lines[i].isBlank() && pendingSkip != null) {
        throw new IllegalArgumentException(
            page
                + ":"
                + pendingSkipLine
                + ": a docs-check skip must stand just above the block it skips");
      }
    }
    if (pendingSkip != null) {
      throw new IllegalArgumentException(
          page + ":" + pendingSkipLine + ": a docs-check skip with no block below it");
    }
    return blocks;
  }

  /**
   * The line of the fence closing the block opened at {@code open}: as many backticks or more,
   * nothing else.
   */
  private static int closingFence(String[] lines, int open, int ticks) {
    for (int j = open + 1; j < lines.length; j++) {
      String line = lines[j].strip();
      if (line.length() >= ticks && line.chars().allMatch(c -> c == '`')) {
        return j;
      }
    }
    return -1;
  }
}
