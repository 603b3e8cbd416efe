package dev.softlabels.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordReaderTest {

  /**
   * Each record as its fields joined by '|' ("null" for an empty one), "!" appended when malformed.
   */
  private static List<String> records(
      byte[] input, char delimiter, Charset charset, int maxRecordBytes) throws IOException {
    return records(input, delimiter, charset, maxRecordBytes, 0);
  }

  /** As above, for a file whose header has {@code headerFields} fields (0: unknown). */
  private static List<String> records(
      byte[] input, char delimiter, Charset charset, int maxRecordBytes, int headerFields)
      throws IOException {
    List<String> records = new ArrayList<>();
    try (CsvRecordReader reader =
        new CsvRecordReader(new ByteArrayInputStream(input), delimiter, charset, maxRecordBytes)) {
      reader.expectFields(headerFields);
      while (reader.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < reader.fieldCount(); i++) {
          fields.add(reader.field(i));
        }
        records.add(
            String.join("|", fields.stream().map(String::valueOf).toList())
                + (reader.malformed() ? "!" : ""));
      }
    }
    return records;
  }

  private static List<String> records(String input) throws IOException {
    return records(input, 0);
  }

  private static List<String> records(String input, int fields) throws IOException {
    return records(
        input.getBytes(StandardCharsets.UTF_8), ',', StandardCharsets.UTF_8, 1 << 20, fields);
  }

  @Test
  void quotedFieldsKeepDelimitersLineBreaksAndDoubledQuotes() throws IOException {
    assertThat(records("a,\"b,1\",\"say \"\"hi\"\"\"\n\"two\r\nlines\",\"\",\n"))
        .containsExactly("a|b,1|say \"hi\"", "two\r\nlines|null|null");
  }

  @Test
  void recordsEndAtLfCrlfOrCrAndEmptyLinesAreSkipped() throws IOException {
    assertThat(records("a,1\r\n\r\nb,2\rc,3\n\nd,4")).containsExactly("a|1", "b|2", "c|3", "d|4");
    assertThat(records("")).isEmpty();
    assertThat(records("\n\r\n")).isEmpty();
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsText() throws IOException {
    assertThat(records("a,5\" screen,b\nc,d,e\n")).containsExactly("a|5\" screen|b", "c|d|e");
  }

  @Test
  void textAfterAClosingQuoteOrAnUnclosedQuoteIsMalformed() throws IOException {
    assertThat(records("\"ab\"c,d\nok,1\n")).containsExactly("\"ab\"c|d!", "ok|1");
    // A quote never closed costs its own line only, not the rest of the input.
    assertThat(records("a,1\nb,\"2\nc,3\n")).containsExactly("a|1", "b|\"2!", "c|3");
  }

  @Test
  void aQuotedFieldRunningPastItsLineIntoNoSoundRecordIsCutBackToThatLine() throws IOException {
    // Closed by the next field's opening quote, with text after it: not a record, so its first line
    // is.
    assertThat(records("a,\"b,c\nd,e,f\ng,\"h\",i\nj,k,l\n", 3))
        .containsExactly("a|\"b,c!", "d|e|f", "g|h|i", "j|k|l");
    // Well formed, but with another number of fields than the header's.
    assertThat(records("x,\"y\nz\",w,v\nj,k,l\n", 3)).containsExactly("x|\"y!", "z\"|w|v", "j|k|l");
    // A sound record over two lines stays one record, CRLF line breaks too.
    assertThat(records("a,\"two\r\nlines\",c\r\nd,e,f\r\n", 3))
        .containsExactly("a|two\r\nlines|c", "d|e|f");
  }

  @Test
  void anUnclosedQuoteReadsNoFurtherThanTheRecordLimitBeforeReadingOn() throws IOException {
    String rest = "c,3\n".repeat(100);
    List<String> records =
        records(
            ("a,1\nb,\"2\n" + rest).getBytes(StandardCharsets.US_ASCII),
            ',',
            StandardCharsets.UTF_8,
            32,
            2);

    assertThat(records).hasSize(102);
    assertThat(records.subList(0, 2)).containsExactly("a|1", "b|\"2!");
    assertThat(records.subList(2, 102)).containsOnly("c|3");
  }

  @Test
  void aRecordOverTheLimitKeepsItsWholeFieldsAndIsMalformed() throws IOException {
    byte[] input = "a,bb,cccc,dd\nnext,1\n".getBytes(StandardCharsets.US_ASCII);
    try (CsvRecordReader reader =
        new CsvRecordReader(new ByteArrayInputStream(input), ',', StandardCharsets.UTF_8, 8)) {
      assertThat(reader.next()).isTrue();
      assertThat(reader.malformed()).isTrue();
      assertThat(reader.fieldCount()).isEqualTo(2);
      assertThat(reader.text()).isEqualTo("a,bb,ccc");
      assertThat(reader.next()).isTrue();
      assertThat(reader.malformed()).isFalse();
      assertThat(reader.text()).isEqualTo("next,1");
      assertThat(reader.next()).isFalse();
    }
  }

  @Test
  void bytesAreDecodedPerFieldAndAUtf8ByteOrderMarkIsDropped() throws IOException {
    byte[] input = {
      (byte) 0xEF,
      (byte) 0xBB,
      (byte) 0xBF,
      'i',
      'd',
      ';',
      'x',
      '\n',
      'c',
      'a',
      'f',
      (byte) 0xE9,
      ';',
      (byte) 0xC3,
      (byte) 0xA9,
      '\n'
    };
    assertThat(records(input, ';', StandardCharsets.UTF_8, 1 << 20))
        .containsExactly("id|x", "caf\uFFFD|é");
    assertThat(records(input, ';', StandardCharsets.ISO_8859_1, 1 << 20))
        .containsExactly("\u00EF\u00BB\u00BFid|x", "café|\u00C3\u00A9");
  }
}
