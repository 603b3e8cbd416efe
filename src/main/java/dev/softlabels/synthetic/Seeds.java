package dev.softlabels.synthetic;

import java.util.SplittableRandom;

/**
 * Random streams addressed by (seed, key): the same pair always gives the same stream, whatever
 * partition or executor asks, which is what makes sharded generation reproducible.
 */
final class Seeds {

  private Seeds() {}

  /** A generator for one (seed, key) pair; different streams are independent. */
  public static SplittableRandom stream(long seed, long stream, long key) {
    return new SplittableRandom(mix(mix(seed) ^ mix(stream * 0x9E3779B97F4A7C15L + key)));
  }

  /** A 64-bit key for a string id (FNV-1a over its characters, then mixed). */
  public static long key(String id) {
    long hash = 0xCBF29CE484222325L;
    for (int i = 0; i < id.length(); i++) {
      hash = (hash ^ id.charAt(i)) * 0x100000001B3L;
    }
    return mix(hash);
  }

  /** Stafford's variant 13 of the MurmurHash3 finaliser (as in SplittableRandom). */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
