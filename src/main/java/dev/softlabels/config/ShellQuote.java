package dev.softlabels.config;

import java.util.regex.Pattern;

/**
 * A value as one POSIX shell word, for the commands an error message suggests: pasted into bash or
 * sh, it reaches the program unchanged (spaces, quotes, globs, $ and all).
 */
public final class ShellQuote {

  /** Characters no POSIX shell treats specially: such a word needs no quotes. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./,:=@%+-]+");

  private ShellQuote() {}

  public static String word(String value) {
    if (PLAIN.matcher(value).matches()) {
      return value;
    }
    // Inside single quotes nothing is special but the closing quote: end the quotes, add an escaped
    // one, open them again.
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
