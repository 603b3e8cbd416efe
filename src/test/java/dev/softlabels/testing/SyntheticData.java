package dev.softlabels.testing;

import dev.softlabels.config.ConfigLoader;
import dev.softlabels.synthetic.GenerateJob;
import dev.softlabels.synthetic.GenerateSettings;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Small generated synthetic datasets for tests: 16 px images, so training on them takes seconds.
 */
public final class SyntheticData {

  private SyntheticData() {}

  /** Generates {@code images} images into {@code output} (images/, labels/ and summary.json). */
  public static Path generate(SparkSession spark, Path output, int images) {
    return generate(spark, output, images, false);
  }

  /**
   * @param overwrite replace an earlier generated dataset in {@code output}
   */
  public static Path generate(SparkSession spark, Path output, int images, boolean overwrite) {
    GenerateJob.run(
        spark,
        GenerateSettings.from(
            ConfigLoader.withOverrides(
                Map.of(
                    "softlabels.generate.images",
                    images,
                    "softlabels.generate.size",
                    16,
                    "softlabels.generate.output",
                    output.toString(),
                    "softlabels.generate.overwrite",
                    overwrite))));
    return output;
  }
}
