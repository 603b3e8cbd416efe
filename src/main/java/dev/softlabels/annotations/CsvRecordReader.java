package dev.softlabels.annotations;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a CSV byte stream into records the way RFC 4180 does: a field in double quotes may hold
 * delimiters, line breaks and doubled quotes; a record ends at an LF, a CRLF or a lone CR outside
 * quotes; empty lines are skipped. It works on the bytes, before any decoding, which is sound for
 * every encoding in which the quote, the delimiter, CR and LF are their single ASCII bytes (UTF-8,
 * ISO-8859-x, windows-125x): no other character's bytes can then be mistaken for them. Each field
 * is decoded on its own, with replacement, so an undecodable byte shows as U+FFFD in that field
 * only.
 *
 * <p>Holds one record at a time and at most {@code maxRecordBytes} of it, so no line, however long,
 * can exhaust memory: such a record is kept as far as the limit and reported {@link #malformed()}.
 *
 * <p>A quoted field may run past its line, but one stray quote must not swallow the rest of a file
 * into one record. So a record whose quoted field runs past its line stands only when it comes out
 * sound: its quote closed before the end of the input, nothing after a closing quote, within the
 * limit, and as many fields as the header ({@link #expectFields}). Otherwise the quote is taken for
 * a stray: the record is cut back to the line the quote opened on (malformed) and reading resumes
 * at the next line, so the lines it would have swallowed are read as the records they are.
 */
final class CsvRecordReader implements Closeable {

  private static final byte QUOTE = '"';
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private static final int FIELD_START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;

  /** After a quote inside a quoted field: the closing quote, or the first of a doubled pair. */
  private static final int QUOTE_SEEN = 3;

  private final InputStream in;
  private final byte delimiter;
  private final Charset charset;
  private final int maxRecordBytes;

  /**
   * What is read and not yet parsed; after a cut-back it starts with the lines the record had
   * taken.
   */
  private byte[] buffer = new byte[64 * 1024];

  private int position;
  private int limit;
  private boolean atStart = true;

  /** The last record ended at a CR: an LF right after it is the rest of that line break. */
  private boolean skipLf;

  private byte[] record = new byte[256];
  private int length;
  private int fields;
  private int[] starts = new int[8];
  private int[] ends = new int[8];

  /** Whether each field is a well-formed quoted one, to be unquoted when read. */
  private boolean[] quoted = new boolean[8];

  private boolean malformed;
  private boolean truncated;
  private byte[] scratch = new byte[256];

  /**
   * Where the first line break inside a quoted field stands in the record; -1 while there is none.
   */
  private int firstBreak;

  /**
   * The fields ended, and where the quoted field began, when that break came: the cut-back
   * record's.
   */
  private int fieldsAtBreak;

  private int quotedFieldStart;

  /** The header's field count; 0 while unknown. */
  private int expectedFields;

  CsvRecordReader(InputStream in, char delimiter, Charset charset, int maxRecordBytes) {
    this.in = in;
    this.delimiter = (byte) delimiter;
    this.charset = charset;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * How many fields a sound record of this file has (its header's); 0 (the default) for any number.
   */
  void expectFields(int count) {
    expectedFields = count;
  }

  /** Moves to the next non-empty record; false at the end of the stream. */
  boolean next() throws IOException {
    if (atStart) {
      atStart = false;
      skipByteOrderMark();
    }
    length = 0;
    fields = 0;
    malformed = false;
    truncated = false;
    firstBreak = -1;
    int state = FIELD_START;
    boolean fieldQuoted = false;
    int fieldStart = 0;
    while (true) {
      if (position == limit && !fill()) {
        if (length == 0 && fields == 0 && state == FIELD_START) {
          return false;
        }
        malformed |= state == QUOTED;
        endField(fieldStart, fieldQuoted && state == QUOTE_SEEN);
        if (unsound()) {
          cutBack();
        }
        return true;
      }
      byte b = buffer[position++];
      if (skipLf) {
        skipLf = false;
        if (b == LF) {
          continue;
        }
      }
      boolean lineEnd = state != QUOTED && (b == LF || b == CR);
      if (!lineEnd && length == maxRecordBytes && firstBreak >= 0) {
        position--;
        cutBack();
        return true;
      }
      if (state == QUOTED) {
        if (b == QUOTE) {
          state = QUOTE_SEEN;
        } else if ((b == LF || b == CR) && firstBreak < 0) {
          firstBreak = length;
          fieldsAtBreak = fields;
          quotedFieldStart = fieldStart;
        }
        append(b);
        continue;
      }
      if (lineEnd) {
        if (length == 0 && fields == 0 && state == FIELD_START) {
          skipLf = b == CR;
          continue;
        }
        endField(fieldStart, fieldQuoted && state == QUOTE_SEEN);
        if (unsound()) {
          // The line break is read again, as the end of the line the record is cut back to.
          position--;
          cutBack();
        } else {
          skipLf = b == CR;
        }
        return true;
      }
      if (b == delimiter) {
        endField(fieldStart, fieldQuoted && state == QUOTE_SEEN);
        append(b);
        fieldStart = length;
        fieldQuoted = false;
        state = FIELD_START;
        continue;
      }
      switch (state) {
        case FIELD_START -> {
          fieldQuoted = b == QUOTE;
          state = fieldQuoted ? QUOTED : UNQUOTED;
        }
        case QUOTE_SEEN -> {
          if (b == QUOTE) {
            state = QUOTED;
          } else {
            // Text after a closing quote: not CSV; read on to the delimiter as an unquoted field.
            malformed = true;
            state = UNQUOTED;
          }
        }
        default -> {
          // A quote inside an unquoted field is an ordinary character, as most CSV readers take it.
        }
      }
      append(b);
    }
  }

  /** A record whose quoted field ran past its line and did not come out a sound record. */
  private boolean unsound() {
    return firstBreak >= 0 && (malformed || expectedFields > 0 && fields != expectedFields);
  }

  /**
   * Makes the record the line its quote opened on, malformed, that quoted field running to the
   * line's end; the rest of what it had read goes back in front of the unread input, to be read as
   * records.
   */
  private void cutBack() {
    int rest = length - firstBreak;
    int unread = limit - position;
    byte[] target = rest + unread <= buffer.length ? buffer : new byte[rest + unread];
    System.arraycopy(buffer, position, target, rest, unread);
    System.arraycopy(record, firstBreak, target, 0, rest);
    buffer = target;
    position = 0;
    limit = rest + unread;
    skipLf = false;
    length = firstBreak;
    fields = fieldsAtBreak;
    malformed = true;
    endField(quotedFieldStart, false);
  }

  /** Fields of the current record (only those that fit under the limit when it was truncated). */
  int fieldCount() {
    return fields;
  }

  /**
   * Unclosed quote, text after a closing quote, or longer than the limit: the fields may not be
   * what the writer meant.
   */
  boolean malformed() {
    return malformed;
  }

  /** The field's text, unquoted; null for an empty field (as Spark's CSV reader gives it). */
  String field(int index) {
    int start = starts[index];
    int end = ends[index];
    if (quoted[index]) {
      start++;
      end--;
    }
    if (end == start) {
      return null;
    }
    if (!quoted[index]) {
      return new String(record, start, end - start, charset);
    }
    if (scratch.length < end - start) {
      scratch = new byte[Math.max(end - start, scratch.length * 2)];
    }
    int unquoted = 0;
    for (int read = start; read < end; read++) {
      scratch[unquoted++] = record[read];
      if (record[read] == QUOTE) {
        read++;
      }
    }
    return new String(scratch, 0, unquoted, charset);
  }

  /** The record as it stood in the input (up to the limit), for the quarantine's raw_record. */
  String text() {
    return new String(record, 0, length, charset);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void append(byte b) {
    if (length == maxRecordBytes) {
      malformed = true;
      truncated = true;
      return;
    }
    if (length == record.length) {
      record = Arrays.copyOf(record, Math.min(maxRecordBytes, record.length * 2));
    }
    record[length++] = b;
  }

  private void endField(int start, boolean wellQuoted) {
    if (truncated) {
      return;
    }
    if (fields == starts.length) {
      starts = Arrays.copyOf(starts, fields * 2);
      ends = Arrays.copyOf(ends, fields * 2);
      quoted = Arrays.copyOf(quoted, fields * 2);
    }
    starts[fields] = start;
    ends[fields] = length;
    quoted[fields] = wellQuoted;
    fields++;
  }

  private boolean fill() throws IOException {
    int read = in.readNBytes(buffer, 0, buffer.length);
    position = 0;
    limit = read;
    return read > 0;
  }

  private void skipByteOrderMark() throws IOException {
    if (!charset.equals(StandardCharsets.UTF_8) || !fill()) {
      return;
    }
    if (limit >= UTF8_BOM.length
        && Arrays.equals(buffer, 0, UTF8_BOM.length, UTF8_BOM, 0, UTF8_BOM.length)) {
      position = UTF8_BOM.length;
    }
  }
}
