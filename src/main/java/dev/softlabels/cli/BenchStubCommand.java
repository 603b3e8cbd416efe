package dev.softlabels.cli;

import dev.softlabels.config.UserError;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The bench command as this jar has it: the benchmarks are not part of the product (they live in
 * src/bench), so it lists bench with the other commands and says where the benchmarks run. In a
 * source checkout bin/softlabels runs them instead (dev.softlabels.bench.BenchCommand).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks that print figures (from a source checkout: bin/softlabels bench --help).",
      "The benchmarks are not in the softlabels jar; bin/softlabels bench builds and runs them."
    })
final class BenchStubCommand implements Callable<Integer> {

  /** Whatever benchmark and options were asked for: the answer is the same. */
  @Unmatched List<String> benchmark;

  @Override
  public Integer call() {
    throw new UserError(
        "the benchmarks are not in the softlabels jar: run them from a source checkout with "
            + "bin/softlabels bench (see docs/performance.md)");
  }
}
