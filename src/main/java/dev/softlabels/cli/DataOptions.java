package dev.softlabels.cli;

import com.typesafe.config.ConfigValueFactory;
import dev.softlabels.dataset.LabelIdPattern;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the images and labels are and which seeded split: the data keys of the command's settings
 * scope.
 */
final class DataOptions {

  @Option(
      names = "--images",
      paramLabel = "PATH",
      description = "generate's images/ (Parquet) or a directory of PNG/JPEG files.")
  String images;

  @Option(
      names = "--labels",
      paramLabel = "PATH",
      description = "A label table (aggregate's or generate's labels/).")
  String labels;

  @Option(names = "--split", paramLabel = "K", description = "Which seeded split (default 0).")
  Integer split;

  @Option(
      names = LabelIdPattern.FLAG,
      paramLabel = "PATTERN",
      description =
          "How the labels' image ids become the images' ids: "
              + LabelIdPattern.FILE_STEM
              + " (the file "
              + "name of a path or URL without its extension: /data/upload/3/cat_1.jpg -> cat_1) or a regular "
              + "expression whose first group is the id. Default: the ids as they are.")
  String labelIdPattern;

  /**
   * @param scope softlabels.train, softlabels.evaluate or softlabels.embed
   */
  void addTo(Map<String, Object> options, String scope) {
    options.put(scope + ".images", images);
    options.put(scope + ".labels", labels);
    options.put(scope + ".split", split);
    // Every job's, like image-id-pattern: the jobs must see the same image ids. A value, not text
    // to parse: an override that starts with [ is read as a list, and a regular expression may.
    options.put(
        LabelIdPattern.KEY,
        labelIdPattern == null ? null : ConfigValueFactory.fromAnyRef(labelIdPattern));
  }
}
