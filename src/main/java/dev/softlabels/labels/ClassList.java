package dev.softlabels.labels;

import dev.softlabels.config.UserError;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;

/**
 * The ordered class names; a class's index is its position. Never inferred from data. Names are
 * trimmed: "--classes 'cat, dog'" means cat and dog, not " dog", which no annotation would match.
 */
public record ClassList(List<String> names) implements Serializable {

  public ClassList {
    names = names.stream().map(String::strip).toList();
    if (names.size() < 2) {
      throw new UserError("softlabels.classes needs at least two classes, got " + names);
    }
    if (new HashSet<>(names).size() != names.size()) {
      throw new UserError("softlabels.classes has duplicate names: " + names);
    }
    for (String name : names) {
      if (name.isBlank()) {
        throw new UserError("softlabels.classes has a blank class name: " + names);
      }
    }
  }

  public int size() {
    return names.size();
  }

  public String name(int index) {
    return names.get(index);
  }
}
