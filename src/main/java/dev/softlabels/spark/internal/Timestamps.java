package dev.softlabels.spark.internal;

import java.time.ZoneOffset;
import org.apache.spark.sql.catalyst.util.DateTimeUtils$;
import org.apache.spark.unsafe.types.UTF8String;

/** Text as Spark casts it to a timestamp, which is how Delta reads {@code timestampAsOf}. */
public final class Timestamps {

  private Timestamps() {}

  /**
   * Whether Spark reads {@code text} as a timestamp (UTC where it names no zone); needs no session.
   */
  public static boolean isTimestamp(String text) {
    return DateTimeUtils$.MODULE$
        .stringToTimestamp(UTF8String.fromString(text), ZoneOffset.UTC)
        .isDefined();
  }
}
