package dev.softlabels.train;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Plain ReLU whose backward pass is two vectorised ND4J ops (a 0/1 step mask of the input, then a
 * multiply by the incoming gradient) instead of ND4J 1.0.0-M2.1's {@code relu_bp}, which calls a
 * {@code std::function} per element: a profile of the small CNN put 15 % of a training step there.
 * The gradient is the same (both pass it where the input is above zero; a blocked negative gradient
 * is -0.0 here, +0.0 there), training gives the same parameters bit for bit, and a training step is
 * faster (docs/design/dl4j-training.md). Saved networks name this class in their configuration, so
 * loading them needs the softlabels jar, as every softlabels job has.
 */
public final class VectorisedRelu extends ActivationReLU {

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    boolean clippedOrLeaky =
        getMax() != null || getThreshold() != null || getNegativeSlope() != null;
    if (clippedOrLeaky) {
      return super.backprop(in, epsilon);
    }
    assertShape(in, epsilon);
    // Writes the gradient into the input, as DL4J's own tanh and sigmoid backprop do: layers pass a
    // pre-activation array they do not read again.
    Nd4j.exec(new Step(in, in, 0.0));
    return new Pair<>(in.muli(epsilon), null);
  }

  @Override
  public String toString() {
    return "relu(vectorised backprop)";
  }
}
