package dev.softlabels.train;

import org.deeplearning4j.spark.api.Repartition;

/** When DL4J repartitions the minibatches to the workers before each averaging round. */
public enum MinibatchRepartition {
  ALWAYS(Repartition.Always),
  NEVER(Repartition.Never),
  NUM_PARTITIONS_WORKERS_DIFFERS(Repartition.NumPartitionsWorkersDiffers);

  private final Repartition dl4j;

  MinibatchRepartition(Repartition dl4j) {
    this.dl4j = dl4j;
  }

  Repartition dl4j() {
    return dl4j;
  }
}
