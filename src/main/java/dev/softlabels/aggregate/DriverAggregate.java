package dev.softlabels.aggregate;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.LabelEncoding;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.spark.DriverContext;
import dev.softlabels.spark.HadoopPaths;
import dev.softlabels.spark.PhaseLog;
import dev.softlabels.spark.ProgressReporter;
import dev.softlabels.spark.StagedOutput;
import dev.softlabels.spark.internal.DriverParquet;
import dev.softlabels.spark.internal.ParquetScan;
import dev.softlabels.truth.TruthInferences;
import dev.softlabels.truth.VoteBlocks;
import dev.softlabels.votes.ClassInference;
import dev.softlabels.votes.RejectionHints;
import dev.softlabels.votes.VoteBuckets;
import dev.softlabels.votes.VotePass;
import dev.softlabels.votes.VoteTally;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AggregateJob} for a small local CSV input, on the driver alone: no Spark session and no
 * Spark job, whose first run in a fresh JVM costs seconds that a few thousand rows do not. The same
 * steps in the same order, the same code where it is plain Java (the reader's records, the vote
 * pass's walk, the label rows, the EM loop, the statistics, the summary), the same outputs:
 * labels/, quarantine/, annotators/ and summary.json, the Parquet tables written by Spark's own
 * write support ({@link DriverContext#parquet}). AggregateDriverPathTest runs both on the same
 * inputs and compares what they write.
 */
final class DriverAggregate {

  private static final Logger LOG = LoggerFactory.getLogger(DriverAggregate.class);

  private DriverAggregate() {}

  /**
   * Whether the run fits on the driver: a local session's run (no cluster to use), no label-quality
   * report (its annotator tables are Spark's), and either a CSV input of local files of at most
   * softlabels.aggregate.driver-max-bytes (8 MiB: about 250,000 votes, which the driver reads,
   * checks and counts in well under the seconds a cold session's first jobs take; bin/softlabels
   * runs such inputs with the quick JIT for the same reason), or a majority vote of a local Parquet
   * input of any size that the driver reads as the session's scan would ({@link
   * AnnotationReader#scanOnDriver}), a share of the images at a time ({@link VoteBuckets}).
   */
  static boolean fits(DriverContext driver, AggregateSettings settings) {
    HadoopPaths paths = driver.paths();
    if (settings.report()
        || settings.driverMaxBytes() <= 0
        || driver.localParallelism().isEmpty()
        || !paths.qualified(settings.input()).startsWith("file:")
        || !paths.exists(settings.input())) {
      return false;
    }
    if (AnnotationReader.readsOnDriver(paths, settings.source(), settings.input())) {
      return paths.bytes(settings.input()) <= settings.driverMaxBytes();
    }
    return !settings.method().posterior() && scan(driver, settings).isPresent();
  }

  private static Optional<ParquetScan> scan(DriverContext driver, AggregateSettings settings) {
    return AnnotationReader.scanOnDriver(
        driver.paths(),
        driver.settings(),
        settings.source(),
        settings.input(),
        driver.localParallelism().orElseThrow());
  }

  static AggregateSummary run(DriverContext driver, AggregateSettings settings) {
    return AggregateJob.committed(
        driver.paths(), settings, (output, phases) -> write(driver, settings, output, phases));
  }

  private static AggregateSummary write(
      DriverContext driver, AggregateSettings settings, StagedOutput output, PhaseLog phases) {
    if (!AnnotationReader.readsOnDriver(driver.paths(), settings.source(), settings.input())) {
      return writeBucketed(driver, settings, scan(driver, settings).orElseThrow(), output, phases);
    }
    HadoopPaths paths = driver.paths();
    LOG.info(
        String.format(
            Locale.ROOT,
            "aggregate: reading %s on the driver (a small local input: no Spark session); %s labels"
                + " per image -> %s",
            settings.input(),
            settings.method().configName(),
            output.target()));
    List<AnnotationReader.ReadRow> raw =
        AnnotationReader.readOnDriver(
            paths, settings.source(), settings.input(), driver.localParallelism().orElseThrow());
    AggregateJob.Classes found =
        AggregateJob.classes(
            settings,
            () ->
                ClassInference.inferOnDriver(
                    raw, settings.source().labelEncoding(), settings.input()),
            phases);
    ClassList classes = found.list();
    VotePass.OnDriver pass =
        VotePass.onDriver(
            raw, classes, settings.source().labelEncoding(), settings.method().posterior());
    VotePass.Tally tally = pass.tally();
    VoteTally.Counts counts = tally.counts();
    List<Row> rejected = pass.rejected();
    List<RejectionHints.LabelCount> unknownLabels = RejectionHints.unknownLabels(rejected, counts);
    AggregateJob.counted(
        phases,
        settings,
        paths,
        tally,
        // A CSV input: no Label Studio export, whose data keys the hints would list.
        () -> RejectionHints.of(settings.source(), counts, unknownLabels, List::of));

    TruthInferences.DriverFit fit = null;
    List<VoteBlocks.ImageLabel> labels;
    if (settings.method().posterior()) {
      fit =
          TruthInferences.fitOnDriver(pass.imageVotes(), classes, settings.method(), settings.em());
      phases.done("%s fitted in %d iterations", settings.method().configName(), fit.iterations());
      labels = fit.labelRows();
    } else {
      labels =
          pass.imageVotes().stream()
              .map(votes -> LabelAggregation.majorityLabel(votes, classes))
              .toList();
    }
    driver
        .parquet()
        .writeValues(
            output.child(AggregateJob.LABELS),
            LabelColumns.labelSchema(
                LabelAggregation.schema(fit == null ? List.of() : fit.imageColumns()),
                settings.method(),
                classes),
            labels.stream().map(LabelAggregation::values).toList());
    LabelStatistics statistics = new LabelStatistics(classes.size(), null);
    labels.forEach(label -> statistics.add(label.row()));
    phases.done("labels written, their statistics summed");
    if (fit != null) {
      driver
          .parquet()
          .writeRows(
              output.child(AggregateJob.ANNOTATORS), fit.annotatorSchema(), fit.annotatorRows());
      phases.done("%,d annotators' parameters written", fit.annotatorCount());
    }
    List<String> warnings =
        fit == null ? List.of() : AggregateJob.checkFit(paths, settings, classes, fit, statistics);
    driver
        .parquet()
        .writeRows(output.child(AggregateJob.QUARANTINE), VotePass.QUARANTINE, rejected);
    phases.done("%,d rejected rows written", counts.quarantined());
    return AggregateJob.writeSummary(
        paths, output, phases, settings, found, counts, unknownLabels, statistics, fit, warnings);
  }

  /**
   * A majority vote of a Parquet input read in the session's tasks, its rows spread over buckets by
   * image on local disk, then each bucket's votes checked, counted and written as the in-memory
   * path does them, {@code parallelism} buckets at a time: memory follows the bucket size ({@link
   * #ROWS_PER_BUCKET}), not the input.
   */
  private static AggregateSummary writeBucketed(
      DriverContext driver,
      AggregateSettings settings,
      ParquetScan scan,
      StagedOutput output,
      PhaseLog phases) {
    int parallelism = driver.localParallelism().orElseThrow();
    long bucketRows = settings.driverBucketRows();
    int buckets = (int) Math.max(1, (scan.rows() + bucketRows - 1) / bucketRows);
    LOG.info(
        String.format(
            Locale.ROOT,
            "aggregate: reading %s on the driver (a local Parquet input: no Spark session), %,d"
                + " rows into %,d buckets by image; majority labels per image -> %s",
            settings.input(),
            scan.rows(),
            buckets,
            output.target()));
    LabelEncoding encoding = settings.source().labelEncoding();
    boolean inferring = settings.source().givenClasses().isEmpty();
    Set<String> labels = ConcurrentHashMap.newKeySet();
    LongAdder rowsRead = new LongAdder();
    ProgressReporter.onDriver(
        () ->
            String.format(
                Locale.ROOT,
                "%,d of %,d rows read into buckets on the driver",
                rowsRead.sum(),
                scan.rows()));
    try (VoteBuckets votes = VoteBuckets.create(localDirectory(driver), buckets)) {
      inParallel(
          parallelism,
          scan.tasks(),
          task -> {
            try (VoteBuckets.Writer writer = votes.writer()) {
              AnnotationReader.readOnDriver(
                  scan,
                  task,
                  row -> {
                    writer.add(row);
                    rowsRead.increment();
                    if (inferring
                        && labels.size() <= ClassInference.MAX_CLASSES
                        && row.label() != null
                        && !row.label().isEmpty()) {
                      labels.add(row.label());
                    }
                  });
            }
          });
      phases.done("%,d rows read into %,d buckets", scan.rows(), buckets);
      AggregateJob.Classes found =
          AggregateJob.classes(
              settings,
              () ->
                  ClassInference.inferOnDriver(
                      LabelColumns.classes(scan.columns(), settings.source().labelColumn()),
                      labels,
                      encoding,
                      settings.input()),
              phases);
      ClassList classes = found.list();
      BucketSums[] sums = new BucketSums[parallelism];
      AtomicInteger bucketsDone = new AtomicInteger();
      ProgressReporter.onDriver(
          () ->
              String.format(
                  Locale.ROOT,
                  "%,d of %,d buckets checked, counted and written on the driver",
                  bucketsDone.get(),
                  buckets));
      DriverParquet parquet = driver.parquet();
      try (DriverParquet.Table labelTable =
              parquet.open(
                  output.child(AggregateJob.LABELS),
                  LabelColumns.labelSchema(
                      LabelAggregation.schema(List.of()), settings.method(), classes),
                  parallelism);
          DriverParquet.Table quarantine =
              parquet.open(
                  output.child(AggregateJob.QUARANTINE), VotePass.QUARANTINE, parallelism)) {
        inParallel(
            parallelism,
            parallelism,
            worker -> {
              BucketSums own = new BucketSums(classes.size());
              for (int bucket = worker; bucket < buckets; bucket += parallelism) {
                VotePass.OnDriver pass =
                    VotePass.onDriver(votes.read(bucket), classes, encoding, false);
                own.add(pass.tally());
                for (ImageVotes image : pass.imageVotes()) {
                  VoteBlocks.ImageLabel label = LabelAggregation.majorityLabel(image, classes);
                  labelTable.part(worker).writeValues(LabelAggregation.values(label));
                  own.statistics.add(label.row());
                }
                for (Row rejected : pass.rejected()) {
                  quarantine.part(worker).writeRow(rejected);
                  RejectionHints.countUnknownLabel(rejected, own.unknownLabels);
                }
                bucketsDone.incrementAndGet();
              }
              sums[worker] = own;
            });
      }
      BucketSums all = new BucketSums(classes.size());
      for (BucketSums own : sums) {
        all.merge(own);
      }
      VoteTally.Counts counts = all.counts;
      List<RejectionHints.LabelCount> unknownLabels =
          RejectionHints.unknownLabels(all.unknownLabels);
      AggregateJob.counted(
          phases,
          settings,
          driver.paths(),
          new VotePass.Tally(counts, all.images),
          () -> RejectionHints.of(settings.source(), counts, unknownLabels, List::of));
      phases.done(
          "labels and %,d rejected rows written as they were counted", counts.quarantined());
      return AggregateJob.writeSummary(
          driver.paths(),
          output,
          phases,
          settings,
          found,
          counts,
          unknownLabels,
          all.statistics,
          null,
          List.of());
    }
  }

  /** What a worker of {@link #writeBucketed} sums over its buckets. */
  private static final class BucketSums {
    private VoteTally.Counts counts = new VoteTally.Sums().counts();
    private long images;
    private final LabelStatistics statistics;
    private final Map<String, Long> unknownLabels = new HashMap<>();

    BucketSums(int classes) {
      statistics = new LabelStatistics(classes, null);
    }

    void add(VotePass.Tally tally) {
      counts = counts.plus(tally.counts());
      images += tally.images();
    }

    void merge(BucketSums other) {
      add(new VotePass.Tally(other.counts, other.images));
      statistics.merge(other.statistics);
      other.unknownLabels.forEach((label, rows) -> unknownLabels.merge(label, rows, Long::sum));
    }
  }

  /** Where a local session would spill (the first of spark.local.dir), else the JVM's temp. */
  private static java.nio.file.Path localDirectory(DriverContext driver) {
    String dirs = driver.settings().get("spark.local.dir", System.getProperty("java.io.tmpdir"));
    return java.nio.file.Path.of(dirs.split(",")[0].strip());
  }

  /**
   * {@code work} of 0 .. {@code count} - 1 on {@code threads} threads; the first failure thrown.
   */
  private static void inParallel(int threads, int count, IntConsumer work) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(threads, count)),
            runnable -> {
              Thread thread = new Thread(runnable, "softlabels-driver");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        running.add(pool.submit(() -> work.accept(index)));
      }
      for (Future<?> future : running) {
        future.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
