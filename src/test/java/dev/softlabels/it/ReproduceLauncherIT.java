package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.it.LauncherIT.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/softlabels reproduce: the user's settings beat the study preset, and a misspelt one is
 * refused.
 */
@Order(5)
class ReproduceLauncherIT {

  @TempDir Path dir;

  @Test
  void anExplicitEpochCountBeatsTheStudyPreset() throws Exception {
    Result result =
        LauncherIT.launch(
            "reproduce",
            "--output",
            dir.toString(),
            "--label-types",
            "hard",
            "-Dsoftlabels.train.epochs=1",
            "-Dsoftlabels.reproduce.splits=1",
            "-Dsoftlabels.reproduce.embed=false",
            "-Dsoftlabels.reproduce.presets.quick.images=200");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(Files.readString(dir.resolve("synthetic/cells/split-0/hard/model/last/state.json")))
        .containsPattern("\"epochs_done\"\\s*:\\s*1\\b");
  }

  @Test
  void aMisspeltKeyIsRefusedWithTheKeyMeant() throws Exception {
    Result result =
        LauncherIT.launch("reproduce", "--output", dir.toString(), "-Dsoftlabels.train.epoch=1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errAfterArchiveNotice().strip())
        .doesNotContain("\n")
        .contains("did you mean softlabels.train.epochs?");
  }
}
