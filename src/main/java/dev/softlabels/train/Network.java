package dev.softlabels.train;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.softlabels.config.Choices;

/** The networks {@link Networks} builds (softlabels.train.network). */
public enum Network {
  /** Small, for CPUs: one convolution per block. */
  CNN(new int[] {16, 32, 64}, 1),
  /**
   * Two convolutions per block at twice cnn's widths: the CIFAR-10 backbone: the largest of the
   * networks measured that trains 15 epochs in about half an hour on two CPU cores
   * (docs/design/dl4j-training.md#the-cifar-10-backbones-network).
   */
  CNN_MEDIUM(new int[] {32, 64, 128}, 2),
  /** Deeper and wider, for GPU clusters: two convolutions per block. */
  CNN_LARGE(new int[] {64, 128, 256}, 2),
  /** The DL4J zoo's ResNet50 (a computation graph; {@link ZooNetworks}), for GPU clusters. */
  RESNET50,
  /**
   * The DL4J zoo's VGG16 convolutions (a computation graph; {@link ZooNetworks}), for GPU clusters.
   */
  VGG16;

  private final int[] widths;
  private final int convolutionsPerBlock;

  Network(int[] widths, int convolutionsPerBlock) {
    this.widths = widths;
    this.convolutionsPerBlock = convolutionsPerBlock;
  }

  Network() {
    this(null, 0);
  }

  /**
   * Built from a DL4J zoo architecture, as a computation graph, rather than as a softlabels layer
   * stack.
   */
  public boolean fromZoo() {
    return widths == null;
  }

  /** Channels of each block's convolutions. */
  int[] widths() {
    return widths.clone();
  }

  int convolutionsPerBlock() {
    return convolutionsPerBlock;
  }

  /** As written in configuration (and in a checkpoint's state.json): cnn, cnn-large, resnet50. */
  @JsonValue
  @Override
  public String toString() {
    return Choices.name(this);
  }
}
