package dev.softlabels.report;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.AttributeProvider;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A self-contained page (inline style and script, no external resources) from Markdown with GFM
 * tables. A reader opens it from a mail or a bucket, offline, so everything it shows travels in the
 * one file.
 */
public final class HtmlPage {

  private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());

  /**
   * A table cell with more characters than this is prose (a rule, a reason): it wraps and reads
   * from the left, where figures stay on one line, right-aligned.
   */
  static final int PROSE = 60;

  private static final String STYLE =
      "body{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}"
          + "table{border-collapse:collapse;margin:1em 0;display:block;max-width:100%;overflow-x:auto}th,td{border:1px solid #bbb;padding:.3em .6em;text-align:right;white-space:nowrap}"
          + "th:first-child,td:first-child{text-align:left}td.prose{white-space:normal;text-align:left;min-width:24em}thead{background:#eee}img{max-width:100%}td img{max-height:64px}"
          + "th{cursor:pointer}th[data-order=ascending]::after{content:' ▲'}th[data-order=descending]::after{content:' ▼'}";

  /**
   * A click on a header cell sorts its table's body by that column, a second click the other way.
   * Cells that start with a number (commas between thousands allowed) compare as numbers, so 9
   * comes before 10 and 0.25 before 0.3, and come before the others (blank, "—"), which compare as
   * text.
   */
  private static final String SORTABLE_TABLES =
      "document.querySelectorAll('th').forEach(th=>th.addEventListener('click',()=>{"
          + "const table=th.closest('table'),body=table.tBodies[0],column=th.cellIndex;"
          + "if(!body)return;"
          + "const ascending=th.dataset.order!=='ascending';"
          + "table.querySelectorAll('th').forEach(other=>delete other.dataset.order);"
          + "th.dataset.order=ascending?'ascending':'descending';"
          + "const key=row=>row.cells[column]?row.cells[column].textContent.trim():'';"
          + "const number=text=>parseFloat(text.replace(/(\\d),(?=\\d{3}(?!\\d))/g,'$1'));"
          + "const compare=(a,b)=>{const x=number(a),y=number(b);"
          + "if(isNaN(x)!==isNaN(y))return isNaN(x)?1:-1;"
          + "return isNaN(x)||x===y?a.localeCompare(b):x-y;};"
          + "[...body.rows].sort((a,b)=>(ascending?1:-1)*compare(key(a),key(b)))"
          + ".forEach(row=>body.appendChild(row));}));";

  private HtmlPage() {}

  /**
   * The page, titled {@code title}: each image the Markdown links whose destination is a key of
   * {@code images} is inlined as a data: URI of those bytes (PNG, JPEG or GIF, told by their first
   * bytes), each heading gets the id {@link #anchor} makes of its text, and a table cell of more
   * than {@value #PROSE} characters wraps.
   */
  public static String html(String title, String markdown, Map<String, byte[]> images) {
    String body =
        HtmlRenderer.builder()
            .extensions(EXTENSIONS)
            .attributeProviderFactory(context -> attributes(images))
            .build()
            .render(Parser.builder().extensions(EXTENSIONS).build().parse(markdown));
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + escape(title)
        + "</title>\n<style>"
        + STYLE
        + "</style>\n</head><body>\n"
        + body
        + "<script>"
        + SORTABLE_TABLES
        + "</script>\n</body></html>\n";
  }

  /**
   * The id of a heading with this text: lower case, each run of characters other than letters and
   * digits one hyphen. A page links its sections with it ({@code [text](#anchor)}); the second
   * heading of the same text gets "-2" appended, the third "-3".
   */
  public static String anchor(String headingText) {
    String slug =
        headingText
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N}]+", "-")
            .replaceAll("^-|-$", "");
    return slug.isEmpty() ? "section" : slug;
  }

  /** Per rendering: the ids handed out so far keep the page's anchors unique. */
  private static AttributeProvider attributes(Map<String, byte[]> images) {
    Set<String> ids = new HashSet<>();
    return (node, tag, attributes) -> {
      if (node instanceof Image && images.containsKey(attributes.get("src"))) {
        attributes.put("src", dataUri(images.get(attributes.get("src"))));
      } else if (node instanceof Heading) {
        String base = anchor(text(node));
        String id = base;
        for (int n = 2; !ids.add(id); n++) {
          id = base + "-" + n;
        }
        attributes.put("id", id);
      } else if (node instanceof TableCell && text(node).length() > PROSE) {
        attributes.put("class", "prose");
      }
    };
  }

  private static String dataUri(byte[] image) {
    return "data:" + imageType(image) + ";base64," + Base64.getEncoder().encodeToString(image);
  }

  /** PNG unless the first bytes are JPEG's or GIF's marker. */
  private static String imageType(byte[] image) {
    if (startsWith(image, 0xff, 0xd8, 0xff)) {
      return "image/jpeg";
    }
    return startsWith(image, 'G', 'I', 'F', '8') ? "image/gif" : "image/png";
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** A heading's text as the reader sees it, without its emphasis or link markup. */
  private static String text(Node node) {
    StringBuilder text = new StringBuilder();
    for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
      if (child instanceof Text literal) {
        text.append(literal.getLiteral());
      } else if (child instanceof Code code) {
        text.append(code.getLiteral());
      } else {
        text.append(text(child));
      }
    }
    return text.toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
