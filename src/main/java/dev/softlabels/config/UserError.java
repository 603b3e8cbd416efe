package dev.softlabels.config;

/**
 * A mistake the user can fix (bad option, missing path, bad configuration key). The CLI prints its
 * message as one line and exits non-zero, without a stack trace.
 */
public final class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  /** Settings checks: {@code message} as a UserError unless {@code condition} holds. */
  public static void require(boolean condition, String message) {
    if (!condition) {
      throw new UserError(message);
    }
  }
}
