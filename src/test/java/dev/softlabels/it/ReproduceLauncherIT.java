package dev.softlabels.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.it.LauncherIT.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/softlabels reproduce: a misspelt setting is refused with the key meant, in one line. (That
 * the user's settings beat the study preset SoftLabelsCliTest checks in-process, and that a cell
 * trains the effective epochs ReproduceJobTest.)
 */
@Order(5)
class ReproduceLauncherIT {

  @TempDir Path dir;

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
