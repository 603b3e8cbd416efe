package dev.softlabels.testing;

import dev.softlabels.reproduce.Cifar10hData;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The CIFAR-10H vote counts of ../shared/data expanded to one annotation row per vote. */
public final class Cifar10h {

  private Cifar10h() {}

  /** Writes the 511,000 votes as Parquet (image_id = CIFAR-10 test index, label = class name). */
  public static Path writeVotes(SparkSession spark, Path directory) {
    Path shared = TestFiles.sharedData("cifar10h").getParent();
    Path votes = directory.resolve("cifar10h-votes");
    Cifar10hData.writeVotes(spark, shared.toString(), votes.toString());
    return votes;
  }
}
