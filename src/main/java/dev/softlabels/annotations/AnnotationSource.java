package dev.softlabels.annotations;

import com.typesafe.config.Config;
import dev.softlabels.config.ClassList;
import java.io.Serializable;

/**
 * Where annotation rows come from and how to read them: the typed form of
 * {@code softlabels.annotations} plus the class list.
 */
public record AnnotationSource(
    InputFormat format,
    String imageColumn,
    String annotatorColumn,
    String labelColumn,
    LabelEncoding labelEncoding,
    boolean csvHeader,
    String csvDelimiter,
    ClassList classes)
    implements Serializable {

  public static AnnotationSource from(Config config) {
    Config annotations = config.getConfig("softlabels.annotations");
    return new AnnotationSource(
        InputFormat.parse(annotations.getString("format"), "softlabels.annotations.format"),
        annotations.getString("columns.image"),
        annotations.getString("columns.annotator"),
        annotations.getString("columns.label"),
        LabelEncoding.parse(annotations.getString("label-encoding"), "softlabels.annotations.label-encoding"),
        annotations.getBoolean("csv.header"),
        annotations.getString("csv.delimiter"),
        new ClassList(config.getStringList("softlabels.classes")));
  }
}
