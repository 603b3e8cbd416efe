package dev.softlabels.spark.internal;

import java.io.CharArrayWriter;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.csv.CSVOptions;
import org.apache.spark.sql.catalyst.csv.UnivocityGenerator;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.json.JSONOptions;
import org.apache.spark.sql.catalyst.json.JSONOptions$;
import org.apache.spark.sql.catalyst.json.JacksonGenerator;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.immutable.Map$;

/**
 * A table's rows as the CSV text that a session's CSV writer makes of them, written on the driver
 * with the writer's own parts: Spark's univocity generator with the options the session would give
 * it, and to_json's generator for arrays, maps and structs. Only types whose text depends on no
 * session setting are taken ({@link #writesExactly}): no dates, times or intervals.
 */
public final class CsvRows {

  /** The types written as a session writes them, inside arrays, maps and structs too. */
  private static final Set<DataType> EXACT =
      Set.of(
          DataTypes.StringType,
          DataTypes.BooleanType,
          DataTypes.ByteType,
          DataTypes.ShortType,
          DataTypes.IntegerType,
          DataTypes.LongType,
          DataTypes.FloatType,
          DataTypes.DoubleType,
          DataTypes.BinaryType);

  /** Column metadata of a default value, which changes how a null is written and read. */
  private static final List<String> DEFAULTS = List.of("EXISTS_DEFAULT", "CURRENT_DEFAULT");

  private CsvRows() {}

  /**
   * The row a session's check of an array in class order makes: it has {@code entries} entries
   * (each of its rows too, for a {@code matrix}) or is null, else the write fails with {@code
   * failure} as its message.
   */
  public record Check(int entries, boolean matrix, String failure) {}

  /**
   * A column of the CSV: the table's field {@code field}, or that array's entry {@code entry}, or
   * that entry's entry {@code given} (0-based, -1 where not), null where the array is too short;
   * {@code check}, when not null, is applied to the field's array before the column is read.
   */
  public record Column(String name, int field, int entry, int given, Check check) {

    /** The table's field {@code field} as it is. */
    public static Column whole(String name, int field) {
      return new Column(name, field, -1, -1, null);
    }

    /** The column's type in a table of {@code schema}. */
    public DataType type(StructType schema) {
      DataType type = schema.fields()[field].dataType();
      for (int index : new int[] {entry, given}) {
        if (index >= 0) {
          type = ((ArrayType) type).elementType();
        }
      }
      return type;
    }
  }

  /**
   * Whether {@code type} is written here exactly as a session writes it: Spark's own generators
   * write it, and no session setting (a time zone, a date format, a legacy flag) changes its text.
   */
  public static boolean writesExactly(DataType type) {
    if (type instanceof ArrayType array) {
      return writesExactly(array.elementType());
    }
    if (type instanceof MapType map) {
      return writesExactly(map.keyType()) && writesExactly(map.valueType());
    }
    if (type instanceof StructType struct) {
      return Arrays.stream(struct.fields())
          .allMatch(f -> writesExactly(f.dataType()) && plain(f.metadata()));
    }
    return EXACT.contains(type) || type instanceof DecimalType;
  }

  /** Whether a column's metadata leaves its values as they are (no default value). */
  public static boolean plain(Metadata metadata) {
    return DEFAULTS.stream().noneMatch(metadata::contains);
  }

  /**
   * Writes {@code columns} of {@code table} ({@link #writesExactly} each, binary ones only inside
   * arrays, maps and structs) to {@code out} as a session's CSV writer does with the options
   * header=true and escape=": the header, then a line per row, arrays, maps and structs as
   * to_json's text. Leaves {@code out} open.
   */
  public static void write(ParquetFiles table, List<Column> columns, Writer out) {
    StructType input = table.schema();
    String timeZone = SQLConf.get().sessionLocalTimeZone();
    StructType text = new StructType();
    Json[] json = new Json[columns.size()];
    for (int c = 0; c < json.length; c++) {
      DataType type = columns.get(c).type(input);
      boolean nested =
          type instanceof ArrayType || type instanceof MapType || type instanceof StructType;
      json[c] = nested ? new Json(type, timeZone) : null;
      text = text.add(columns.get(c).name(), nested ? DataTypes.StringType : type);
    }
    CSVOptions options =
        new CSVOptions(
            new scala.collection.immutable.Map.Map2<>("header", "true", "escape", "\""),
            SQLConf.get().csvColumnPruning(),
            timeZone);
    UnivocityGenerator generator = new UnivocityGenerator(text, out, options);
    generator.writeHeaders();
    GenericInternalRow line = new GenericInternalRow(columns.size());
    table.forEach(
        row -> {
          for (int c = 0; c < json.length; c++) {
            Object value = value(row, input, columns.get(c));
            line.update(c, value == null || json[c] == null ? value : json[c].text(value));
          }
          generator.write(line);
        });
    generator.flush();
  }

  /**
   * The column's value in {@code row}, after its check; null where a session's select gives null.
   */
  private static Object value(InternalRow row, StructType schema, Column column) {
    int field = column.field();
    if (column.check() != null) {
      check(row, field, column.check());
    }
    if (row.isNullAt(field)) {
      return null;
    }
    DataType type = schema.fields()[field].dataType();
    if (column.entry() < 0) {
      return row.get(field, type);
    }
    // try_element_at: null past the end.
    ArrayData array = row.getArray(field);
    DataType entry = ((ArrayType) type).elementType();
    if (column.entry() >= array.numElements() || array.isNullAt(column.entry())) {
      return null;
    }
    if (column.given() < 0) {
      return array.get(column.entry(), entry);
    }
    ArrayData given = array.getArray(column.entry());
    if (column.given() >= given.numElements() || given.isNullAt(column.given())) {
      return null;
    }
    return given.get(column.given(), ((ArrayType) entry).elementType());
  }

  private static void check(InternalRow row, int field, Check check) {
    if (row.isNullAt(field)) {
      return;
    }
    ArrayData array = row.getArray(field);
    boolean fits = array.numElements() == check.entries();
    for (int i = 0; fits && check.matrix() && i < array.numElements(); i++) {
      fits = !array.isNullAt(i) && array.getArray(i).numElements() == check.entries();
    }
    if (!fits) {
      throw new IllegalStateException(check.failure());
    }
  }

  /** to_json of one column: its generator and buffer, used row after row as to_json does. */
  private static final class Json {
    private final DataType type;
    private final CharArrayWriter buffer = new CharArrayWriter();
    private final JacksonGenerator generator;

    Json(DataType type, String timeZone) {
      this.type = type;
      this.generator =
          new JacksonGenerator(
              type,
              buffer,
              new JSONOptions(
                  Map$.MODULE$.<String, String>empty(),
                  timeZone,
                  JSONOptions$.MODULE$.$lessinit$greater$default$3()));
    }

    UTF8String text(Object value) {
      if (type instanceof StructType) {
        generator.write((InternalRow) value);
      } else if (type instanceof ArrayType) {
        generator.write((ArrayData) value);
      } else {
        generator.write((MapData) value);
      }
      generator.flush();
      String json = buffer.toString();
      buffer.reset();
      return UTF8String.fromString(json);
    }
  }
}
