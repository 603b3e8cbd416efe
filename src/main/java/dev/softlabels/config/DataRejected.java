package dev.softlabels.config;

/**
 * A run that read its input but cannot produce a trustworthy output from it (most rows rejected, no
 * image left). Nothing is committed; the CLI prints the message as one line and exits with {@link
 * #EXIT_CODE}, so schedulers see a failed night rather than a success.
 */
public final class DataRejected extends RuntimeException {

  public static final int EXIT_CODE = 4;

  public DataRejected(String message) {
    super(message);
  }
}
