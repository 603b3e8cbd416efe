package dev.softlabels.embed;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import dev.softlabels.dataset.DataSpec;
import dev.softlabels.dataset.ImageTable;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.synthetic.SyntheticClasses;
import dev.softlabels.train.Checkpoints;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.types.StructType;

/**
 * Typed, validated {@code softlabels.embed}, with the data read like the evaluate job's.
 *
 * @param classNames softlabels.classes; empty: the list the label table records
 * @param models panel name to model directory, in panel order
 * @param colouring auto, synthetic or classes: which plots to draw, one PNG each ({@link
 *     #colourings})
 */
public record EmbedSettings(
    DataSpec data,
    List<String> classNames,
    SortedMap<String, String> models,
    String checkpoint,
    String splitName,
    String output,
    boolean overwrite,
    int inferenceBatch,
    int maxPoints,
    int pcaComponents,
    double perplexity,
    int iterations,
    double learningRate,
    long seed,
    String colouring,
    int panelWidth,
    int panelHeight) {

  public EmbedSettings {
    classNames = List.copyOf(classNames);
    if (classNames.isEmpty()) {
      colourings(colouring, SyntheticClasses.CLASSES); // the choice's name, checked before any work
    } else {
      colourings(colouring, new ClassList(classNames));
    }
    if (models.isEmpty()) {
      throw new UserError("no model given: pass --model NAME=DIR (or set softlabels.embed.models)");
    }
    if (output.isBlank()) {
      throw new UserError("no output given: pass --output DIR (or set softlabels.embed.output)");
    }
    Checkpoints.requireName(checkpoint, "softlabels.embed.checkpoint");
    ImageTable.requirePartName(splitName, "softlabels.embed.split-name");
    if (maxPoints < Tsne.MIN_POINTS) {
      throw new UserError(
          "softlabels.embed.max-points must be at least " + Tsne.MIN_POINTS + ", got " + maxPoints);
    }
    if (pcaComponents < 0) {
      throw new UserError(
          "softlabels.embed.pca-components must be >= 0 (0: no PCA), got " + pcaComponents);
    }
    if (perplexity <= 0 || iterations < 1 || learningRate <= 0) {
      throw new UserError(
          "softlabels.embed.perplexity, iterations and learning-rate must be positive");
    }
    if (panelWidth < 100 || panelHeight < 100) {
      throw new UserError(
          "softlabels.embed.panel-width and panel-height must be at least 100 pixels");
    }
  }

  public static EmbedSettings from(Config config) {
    Config embed = config.getConfig("softlabels.embed");
    SortedMap<String, String> models = new TreeMap<>();
    Config modelDirs = embed.getConfig("models");
    modelDirs
        .root()
        .keySet()
        .forEach(name -> models.put(name, modelDirs.getString("\"" + name + "\"")));
    return from(
        config,
        DataSpec.forScoring(config, "softlabels.embed"),
        config.getStringList("softlabels.classes"),
        models,
        embed.getString("output"),
        embed.getBoolean("overwrite"));
  }

  /**
   * Plots of the data, class names, models and output an orchestrator chose, drawn as
   * softlabels.embed says.
   */
  public static EmbedSettings from(
      Config config,
      DataSpec data,
      List<String> classNames,
      SortedMap<String, String> models,
      String output,
      boolean overwrite) {
    Config embed = config.getConfig("softlabels.embed");
    return new EmbedSettings(
        data,
        classNames,
        models,
        embed.getString("checkpoint"),
        embed.getString("split-name"),
        output,
        overwrite,
        config.getInt("softlabels.train.inference-batch"),
        embed.getInt("max-points"),
        embed.getInt("pca-components"),
        embed.getDouble("perplexity"),
        embed.getInt("iterations"),
        embed.getDouble("learning-rate"),
        embed.getLong("seed"),
        embed.getString("colouring"),
        embed.getInt("panel-width"),
        embed.getInt("panel-height"));
  }

  /** The classes: softlabels.classes when set, else the list the label table records. */
  public ClassList classes(StructType labelSchema) {
    if (!classNames.isEmpty()) {
      return new ClassList(classNames);
    }
    return LabelColumns.classes(labelSchema)
        .orElseThrow(
            () ->
                new UserError(
                    "the label table "
                        + data.labels()
                        + " records no class list (aggregate's and generate's do): name the classes with softlabels.classes"));
  }

  static List<PointColours> colourings(String colouring, ClassList classes) {
    boolean synthetic =
        switch (colouring) {
          case "synthetic" -> true;
          case "classes" -> false;
          case "auto" -> classes.equals(SyntheticClasses.CLASSES);
          default ->
              throw new UserError(
                  "softlabels.embed.colouring must be auto, synthetic or classes, got '"
                      + colouring
                      + "'");
        };
    if (synthetic && !classes.equals(SyntheticClasses.CLASSES)) {
      throw new UserError(
          "softlabels.embed.colouring = synthetic needs the generator's classes "
              + SyntheticClasses.CLASSES.names()
              + " in softlabels.classes, got "
              + classes.names());
    }
    return synthetic
        ? List.of(PointColours.SYNTHETIC_COLOUR, PointColours.SYNTHETIC_SHAPE)
        : List.of(PointColours.CLASS_MIX);
  }
}
