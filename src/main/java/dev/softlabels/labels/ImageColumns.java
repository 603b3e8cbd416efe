package dev.softlabels.labels;

/**
 * The columns of the generate job's {@code images/} that other jobs read: the train job takes the
 * encoded image and a fixed split from them.
 */
public final class ImageColumns {

  /** The image, PNG-encoded. */
  public static final String PNG = "png";

  private ImageColumns() {}

  /**
   * The column holding split number {@code split}'s part (train, validation or test) of each image.
   */
  public static String splitColumn(int split) {
    return "split_" + split;
  }
}
