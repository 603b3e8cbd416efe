/**
 * The benchmarks: figures of the project's jobs against themselves, DuckDB and PyTorch, and the
 * aggregation methods' accuracy on simulated and gold-labelled crowds. Not part of the product: the
 * sources are a test source root (src/bench), run by the tests in this package and by {@code
 * bin/softlabels bench} from target/softlabels-bench.jar, and they call only public entry points of
 * the product's packages.
 *
 * <p>Public: {@link dev.softlabels.bench.BenchCommand}, the bench command and its main class, and
 * {@link dev.softlabels.bench.DuckDbAggregate}, DuckDB's side of the aggregate benchmark, also a
 * main class of its own for whole-process timings.
 */
package dev.softlabels.bench;
