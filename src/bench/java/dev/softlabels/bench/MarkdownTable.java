package dev.softlabels.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark's table as markdown: the first row the header, columns padded to their widest cell.
 */
final class MarkdownTable {

  private MarkdownTable() {}

  static void print(List<List<String>> rows, PrintWriter out) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder("|");
      for (int c = 0; c < widths.length; c++) {
        line.append(' ')
            .append(String.format(Locale.ROOT, "%-" + widths[c] + "s", rows.get(r).get(c)))
            .append(" |");
      }
      out.println(line);
      if (r == 0) {
        StringBuilder rule = new StringBuilder("|");
        for (int width : widths) {
          rule.append("-".repeat(width + 2)).append('|');
        }
        out.println(rule);
      }
    }
  }
}
