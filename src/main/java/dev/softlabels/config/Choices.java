package dev.softlabels.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads an enum-valued setting case-insensitively, naming the key and the choices when it is wrong.
 */
public final class Choices {

  private Choices() {}

  /** The choice as written in configuration and options: num-partitions-workers-differs. */
  public static String name(Enum<?> choice) {
    return choice.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static <E extends Enum<E>> E parse(Class<E> type, String value, String key) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      String choices =
          Arrays.stream(type.getEnumConstants())
              .map(Choices::name)
              .collect(Collectors.joining(", "));
      throw new UserError(key + " must be one of " + choices + "; got '" + value + "'");
    }
  }
}
