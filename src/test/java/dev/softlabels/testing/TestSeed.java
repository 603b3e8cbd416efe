package dev.softlabels.testing;

import java.security.SecureRandom;

/**
 * The seed of a test's random choices: {@code -Dsoftlabels-test.seed=N} replays a run, otherwise a
 * fresh seed per test JVM, printed once so that a failure can be replayed.
 */
public final class TestSeed {

  public static final String PROPERTY = "softlabels-test.seed";
  private static final long SEED = choose();

  private TestSeed() {}

  /**
   * The run's seed mixed with {@code what}, so that each use draws its own numbers from the one
   * seed.
   */
  public static long of(String what) {
    return SEED * 31 + what.hashCode();
  }

  /** The run's seed, for an assertion message. */
  public static String replay() {
    return "-D" + PROPERTY + "=" + SEED;
  }

  private static long choose() {
    String given = System.getProperty(PROPERTY);
    long seed =
        given == null || given.isBlank()
            ? new SecureRandom().nextLong()
            : Long.parseLong(given.strip());
    System.out.println("test seed: " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")");
    return seed;
  }
}
