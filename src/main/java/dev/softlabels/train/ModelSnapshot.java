package dev.softlabels.train;

import java.io.Serializable;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained network as plain data (configuration JSON + a copy of the parameters) for broadcasting:
 * Spark closes broadcast values it frees, and a broadcast live INDArray would take the driver's
 * parameters with it (see ../shared/STACK.md), so executors rebuild their own network from this.
 */
public record ModelSnapshot(String configuration, float[] parameters) implements Serializable {

  public static ModelSnapshot of(NeuralNet network) {
    return new ModelSnapshot(network.configurationJson(), network.params().toFloatVector());
  }

  public NeuralNet restore() {
    return NeuralNet.of(configuration, Nd4j.create(parameters).reshape(1, parameters.length));
  }
}
