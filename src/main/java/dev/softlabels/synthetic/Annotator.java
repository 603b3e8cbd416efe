package dev.softlabels.synthetic;

import java.io.Serializable;

/**
 * A simulated annotator: reports class j for an image of (sampled) class c with probability
 * confusion[c][j].
 *
 * @param type reliable, spammer or swapper
 * @param flipRate the chance a reliable annotator reports another class than the one it saw
 */
public record Annotator(String id, String type, double flipRate, double[][] confusion)
    implements Serializable {

  public static final String RELIABLE = "reliable";
  public static final String SPAMMER = "spammer";
  public static final String SWAPPER = "swapper";
}
