package dev.softlabels.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.synthetic.GenerateJob;
import dev.softlabels.synthetic.GenerateSettings;
import dev.softlabels.train.TrainSettings;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Synthetic images for the model benchmarks: generated once into the work directory, then reused.
 */
final class GeneratedImages {

  private GeneratedImages() {}

  /**
   * Train settings pointing at N generated images of the given size (generating them if missing).
   */
  static TrainSettings settings(
      SparkSession spark,
      Config config,
      String name,
      long images,
      int size,
      String work,
      PrintWriter out) {
    String generated = HadoopPaths.child(work, name + "-" + images + "-" + size);
    if (!HadoopPaths.of(spark).exists(HadoopPaths.child(generated, GenerateJob.SUMMARY))) {
      out.printf(Locale.ROOT, "generating %,d images of %d px -> %s%n", images, size, generated);
      out.flush();
      GenerateJob.run(
          spark,
          GenerateSettings.from(
              config
                  .withValue("softlabels.generate.images", ConfigValueFactory.fromAnyRef(images))
                  .withValue("softlabels.generate.size", ConfigValueFactory.fromAnyRef(size))
                  .withValue("softlabels.generate.overwrite", ConfigValueFactory.fromAnyRef(true))
                  .withValue(
                      "softlabels.generate.output", ConfigValueFactory.fromAnyRef(generated))));
    }
    return TrainSettings.from(
        config
            .withValue(
                "softlabels.train.images",
                ConfigValueFactory.fromAnyRef(HadoopPaths.child(generated, "images")))
            .withValue(
                "softlabels.train.labels",
                ConfigValueFactory.fromAnyRef(HadoopPaths.child(generated, "labels")))
            .withValue(
                "softlabels.train.model-dir",
                ConfigValueFactory.fromAnyRef(HadoopPaths.child(work, name + "-model"))));
  }
}
