package org.nd4j.nativeblas;

/**
 * Works around a DL4J 1.0.0-M2.1 bug that keeps its oneDNN layer helpers off on every CPU: DL4J's
 * {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up {@code
 * org.nd4j.nativeblas.Nd4jCpu$Environment.isUseMKLDNN()}, a class ND4J M2.1 moved to {@code
 * org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} (method {@code isUseONEDNN()}). This
 * stand-in at the old name answers with the real one. With it, ND4J's oneDNN build and {@code
 * -Dorg.eclipse.deeplearning4j.helpers.disable=false} (conf/jvm.properties), DL4J's convolutions go
 * through oneDNN (docs/design/dl4j-training.md has the measurements). Remove it when DL4J fixes the
 * lookup.
 */
public final class Nd4jCpu {

  private Nd4jCpu() {}

  /** The part of the old binding's Environment that DL4J reads. */
  public static final class Environment {

    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    /** Whether ND4J's native library was built with oneDNN (and has it enabled). */
    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }
  }
}
