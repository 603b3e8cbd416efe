package dev.softlabels.reproduce;

import com.typesafe.config.Config;
import dev.softlabels.config.UserError;
import dev.softlabels.train.LabelType;
import java.util.List;

/** Typed, validated {@code softlabels.reproduce} with its preset resolved. */
public record ReproduceSettings(
    String preset,
    String dataset,
    String output,
    boolean annotate,
    boolean embed,
    int splits,
    List<String> labelTypes,
    String sharedData,
    long images,
    int size,
    int epochs,
    int embedIterations,
    String network,
    String trainPreset) {

  public ReproduceSettings {
    if (!List.of("synthetic", "cifar10h").contains(dataset)) {
      throw new UserError("softlabels.reproduce.dataset must be synthetic or cifar10h, got '" + dataset + "'");
    }
    if (splits < 1 || labelTypes.isEmpty()) {
      throw new UserError("softlabels.reproduce needs at least one split and one label type");
    }
    labelTypes.forEach(type -> LabelType.parse(type, "softlabels.reproduce.label-types"));
    if (labelTypes.stream().anyMatch(type -> LabelType.parse(type, "") == LabelType.POSTERIOR)) {
      if (dataset.equals("cifar10h")) {
        throw new UserError("label type posterior (softlabels.reproduce.label-types) needs to know who gave each "
            + "vote, and CIFAR-10H publishes only counts per image: use it with the synthetic dataset and --annotate");
      }
      if (!annotate) {
        throw new UserError("label type posterior (softlabels.reproduce.label-types) needs annotators: pass "
            + "--annotate (softlabels.reproduce.annotate) to train on simulated annotators' votes");
      }
    }
    if (output.isBlank()) {
      throw new UserError("no output given: pass --output DIR (or set softlabels.reproduce.output)");
    }
  }

  public static ReproduceSettings from(Config config) {
    Config r = config.getConfig("softlabels.reproduce");
    String preset = r.getString("preset");
    if (!r.hasPath("presets." + preset)) {
      throw new UserError("unknown preset '" + preset + "' (softlabels.reproduce.preset); known: "
          + r.getConfig("presets").root().keySet());
    }
    Config p = r.getConfig("presets." + preset);
    String dataset = r.getString("dataset");
    return new ReproduceSettings(preset, dataset, r.getString("output"), r.getBoolean("annotate"), r.getBoolean("embed"),
        r.getInt("splits"),
        r.getStringList("label-types"), r.getString("shared-data"), p.getLong("images"), p.getInt("size"),
        dataset.equals("cifar10h") ? p.getInt("cifar10h-epochs") : p.getInt("epochs"), p.getInt("embed-iterations"),
        p.getString("network"),
        p.getString("train-preset"));
  }
}
