package dev.softlabels.annotations;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import dev.softlabels.labels.ClassList;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where annotation rows come from and how to read them: the typed form of {@code
 * softlabels.annotations} plus the class list, when one is given ({@code softlabels.classes};
 * empty: the jobs infer it, see {@code dev.softlabels.votes.ClassInference}).
 */
public record AnnotationSource(
    InputFormat format,
    String imageColumn,
    String annotatorColumn,
    String labelColumn,
    LabelEncoding labelEncoding,
    boolean csvHeader,
    String csvDelimiter,
    String csvEncoding,
    ExportFields exportFields,
    List<String> classNames)
    implements Serializable {

  public AnnotationSource {
    // "\t" as typed on a command line, where a real tab is awkward to pass.
    csvDelimiter = csvDelimiter.equals("\\t") ? "\t" : csvDelimiter;
    if (csvDelimiter.length() != 1
        || csvDelimiter.charAt(0) > 0x7F
        || "\"\r\n".contains(csvDelimiter)) {
      throw new UserError(
          "softlabels.annotations.csv.delimiter must be one ASCII character other than a quote or a "
              + "line break, not '"
              + csvDelimiter
              + "'");
    }
    csvCharset(csvEncoding, csvDelimiter);
    classNames = List.copyOf(classNames);
    if (!classNames.isEmpty()) {
      new ClassList(classNames); // a given list is checked at start
    }
  }

  public AnnotationSource withFormat(InputFormat other) {
    return new AnnotationSource(
        other,
        imageColumn,
        annotatorColumn,
        labelColumn,
        labelEncoding,
        csvHeader,
        csvDelimiter,
        csvEncoding,
        exportFields,
        classNames);
  }

  public AnnotationSource withClasses(List<String> other) {
    return new AnnotationSource(
        format,
        imageColumn,
        annotatorColumn,
        labelColumn,
        labelEncoding,
        csvHeader,
        csvDelimiter,
        csvEncoding,
        exportFields,
        other);
  }

  /** The class list configured, if any. */
  public Optional<ClassList> givenClasses() {
    return classNames.isEmpty() ? Optional.empty() : Optional.of(new ClassList(classNames));
  }

  /** The same source with {@code classes} given, so that no job infers them. */
  public AnnotationSource withClasses(ClassList classes) {
    return withClasses(classes.names());
  }

  public static AnnotationSource from(Config config) {
    Config annotations = config.getConfig("softlabels.annotations");
    return new AnnotationSource(
        InputFormat.parse(annotations.getString("format"), "softlabels.annotations.format"),
        annotations.getString("columns.image"),
        annotations.getString("columns.annotator"),
        annotations.getString("columns.label"),
        LabelEncoding.parse(
            annotations.getString("label-encoding"), "softlabels.annotations.label-encoding"),
        annotations.getBoolean("csv.header"),
        annotations.getString("csv.delimiter"),
        annotations.getString("csv.encoding"),
        ExportFields.from(config),
        config.getStringList("softlabels.classes"));
  }

  /**
   * The CSV encoding (validated when the source was built; a Charset itself is not serializable).
   */
  public Charset csvCharset() {
    return csvCharset(csvEncoding, csvDelimiter);
  }

  /**
   * CSV records are split on bytes before decoding (see {@link CsvRecordReader}), so the encoding
   * must write the quote, the delimiter and line breaks as their single ASCII bytes: UTF-16 and
   * UTF-32 do not.
   */
  private static Charset csvCharset(String name, String delimiter) {
    Charset charset;
    try {
      charset = Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new UserError("unknown encoding '" + name + "' (softlabels.annotations.csv.encoding)");
    }
    String structure = "\"\r\n" + delimiter;
    if (!charset.canEncode()
        || !Arrays.equals(
            structure.getBytes(charset), structure.getBytes(StandardCharsets.US_ASCII))) {
      throw new UserError(
          "encoding "
              + charset.name()
              + " (softlabels.annotations.csv.encoding) is not supported: "
              + "CSV input needs one in which ASCII characters are single bytes, such as UTF-8 or ISO-8859-1");
    }
    return charset;
  }
}
