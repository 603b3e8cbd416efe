package dev.softlabels.annotations;

import com.typesafe.config.Config;
import dev.softlabels.config.ClassList;
import dev.softlabels.config.UserError;

/** Typed, validated settings of the aggregate job ({@code softlabels.aggregate} and the source). */
public record AggregateSettings(AnnotationSource source, String input, String output, boolean overwrite) {

  public AggregateSettings {
    if (input.isBlank()) {
      throw new UserError("no input given: pass --input PATH (or set softlabels.aggregate.input)");
    }
    if (output.isBlank()) {
      throw new UserError("no output given: pass --output DIR (or set softlabels.aggregate.output)");
    }
  }

  public static AggregateSettings from(Config config) {
    Config aggregate = config.getConfig("softlabels.aggregate");
    return new AggregateSettings(
        AnnotationSource.from(config),
        aggregate.getString("input"),
        aggregate.getString("output"),
        aggregate.getBoolean("overwrite"));
  }

  public ClassList classes() {
    return source.classes();
  }
}
