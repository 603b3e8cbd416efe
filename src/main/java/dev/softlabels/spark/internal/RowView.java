package dev.softlabels.spark.internal;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * One row as Spark holds it ({@link InternalRows}), read by field index: look the indexes up in the
 * table's schema by name. Rows from Spark are reused buffers, so a view is good until the next row;
 * what outlives it is copied ({@link #copy}, {@link #textCopy}). Text is compared and hashed as
 * Spark holds it, without decoding: {@link #text} gives it as an opaque value whose equals and
 * hashCode are its bytes' and whose toString decodes it.
 */
public final class RowView implements Serializable {

  private static final long serialVersionUID = 1L;
  private InternalRow row;

  RowView(InternalRow row) {
    this.row = row;
  }

  /** A row of these values, as {@link InternalRows#dataFrame} takes them. */
  public static RowView of(Object... values) {
    return new RowView(InternalRows.internalRow(values));
  }

  RowView at(InternalRow next) {
    row = next;
    return this;
  }

  /** A copy that outlives the row's buffer. */
  public RowView copy() {
    return new RowView(row.copy());
  }

  public boolean isNullAt(int field) {
    return row.isNullAt(field);
  }

  public int getInt(int field) {
    return row.getInt(field);
  }

  public long getLong(int field) {
    return row.getLong(field);
  }

  public double getDouble(int field) {
    return row.getDouble(field);
  }

  /** The text decoded; null where the field is. */
  public String getString(int field) {
    return row.isNullAt(field) ? null : row.getUTF8String(field).toString();
  }

  /** The text undecoded, good while the row is (see the class comment). */
  public Object text(int field) {
    return row.getUTF8String(field);
  }

  /** {@link #text}, copied out of the row's buffer. */
  public Object textCopy(int field) {
    return row.getUTF8String(field).clone();
  }

  /** An array of strings as texts ({@link #text}) copied out of the row's buffer. */
  public Object[] textArrayCopy(int field) {
    ArrayData array = row.getArray(field);
    Object[] texts = new Object[array.numElements()];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = array.getUTF8String(i).clone();
    }
    return texts;
  }

  public int[] getIntArray(int field) {
    return row.getArray(field).toIntArray();
  }

  public double[] getDoubleArray(int field) {
    return row.getArray(field).toDoubleArray();
  }

  /**
   * This row's text against {@code other}'s in the same field, byte by byte as Spark orders
   * strings.
   */
  public int compareText(int field, RowView other) {
    return row.getUTF8String(field).compareTo(other.row.getUTF8String(field));
  }
}
