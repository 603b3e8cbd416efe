package dev.softlabels.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** Where the images and labels are and which seeded split: the data keys of the command's settings scope. */
final class DataOptions {

  @Option(names = "--images", paramLabel = "PATH",
      description = "generate's images/ (Parquet) or a directory of PNG/JPEG files.")
  String images;

  @Option(names = "--labels", paramLabel = "PATH", description = "A label table (aggregate's or generate's labels/).")
  String labels;

  @Option(names = "--split", paramLabel = "K", description = "Which seeded split (default 0).")
  Integer split;

  /** @param scope softlabels.train, softlabels.evaluate or softlabels.embed */
  void addTo(Map<String, Object> options, String scope) {
    options.put(scope + ".images", images);
    options.put(scope + ".labels", labels);
    options.put(scope + ".split", split);
  }
}
