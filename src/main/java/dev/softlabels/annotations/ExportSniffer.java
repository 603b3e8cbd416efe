package dev.softlabels.annotations;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tells an annotation tool's export from a plain annotation table by a file's first bytes: read as
 * CSV or JSON lines, an export fails later and far from the cause (no class list, every row
 * rejected), so the run stops at once naming the --format that reads it. A file holding the
 * configured image, annotator and label columns is a plain table, whatever else it holds.
 */
final class ExportSniffer {

  /** Bytes read from the start of a file: a header line or a first task's keys fit well inside. */
  static final int HEAD_BYTES = 64 << 10;

  /** The export a file looks like: its format and what it is called. */
  record Sniffed(InputFormat format, String what) {}

  private static final JsonFactory JSON = new JsonFactory();

  private ExportSniffer() {}

  /**
   * @param head the file's first bytes (decompressed), at most {@link #HEAD_BYTES}
   * @param plainColumns the configured image, annotator and label columns
   */
  static Optional<Sniffed> sniff(byte[] head, Collection<String> plainColumns) {
    String text =
        new String(head, StandardCharsets.UTF_8).replaceFirst("^\uFEFF", "").stripLeading();
    if (text.startsWith("[") || text.startsWith("{")) {
      Set<String> keys = firstObjectKeys(text);
      if (keys.containsAll(plainColumns)) {
        return Optional.empty();
      }
      if (keys.contains("source-ref")) {
        return Optional.of(
            new Sniffed(InputFormat.SAGEMAKER_GT, "a SageMaker Ground Truth output manifest"));
      }
      return keys.contains("annotations") || keys.contains("data")
          ? Optional.of(new Sniffed(InputFormat.LABEL_STUDIO, "a Label Studio export"))
          : Optional.empty();
    }
    List<String> header =
        Arrays.stream(text.lines().findFirst().orElse("").split("[,\t;|]"))
            .map(name -> name.strip().replaceAll("^\"|\"$", ""))
            .toList();
    if (header.containsAll(plainColumns)) {
      return Optional.empty();
    }
    if (header.stream().anyMatch(name -> name.startsWith("ASSIGNMENT:"))
        || header.stream().anyMatch(name -> name.startsWith("INPUT:"))
            && header.stream().anyMatch(name -> name.startsWith("OUTPUT:"))) {
      return Optional.of(new Sniffed(InputFormat.TOLOKA, "a Toloka results file"));
    }
    boolean toolColumns =
        header.contains("HITId")
            || header.stream()
                .anyMatch(name -> name.startsWith("Input.") || name.startsWith("Answer."));
    return header.contains("AssignmentId") && header.contains("WorkerId") && toolColumns
        ? Optional.of(new Sniffed(InputFormat.MTURK, "an MTurk batch results file"))
        : Optional.empty();
  }

  /**
   * The top-level keys of the first JSON object in {@code text} (a JSON array's first element, or a
   * JSON-lines file's first line), as far as the text goes: a cut-off object gives the keys before
   * the cut.
   */
  private static Set<String> firstObjectKeys(String text) {
    Set<String> keys = new HashSet<>();
    try (JsonParser parser = JSON.createParser(text)) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_ARRAY) {
        token = parser.nextToken();
      }
      if (token != JsonToken.START_OBJECT) {
        return keys;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        keys.add(parser.currentName());
        parser.nextToken();
        parser.skipChildren();
      }
    } catch (IOException e) {
      // The head ends mid-object, or the file is not JSON after all: the keys read so far are what
      // it shows.
    }
    return keys;
  }
}
