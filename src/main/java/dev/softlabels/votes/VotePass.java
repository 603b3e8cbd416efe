package dev.softlabels.votes;

import static dev.softlabels.annotations.AnnotationReader.FILE_ORDER;
import static dev.softlabels.annotations.AnnotationReader.RAW_RECORD;
import static dev.softlabels.annotations.AnnotationReader.ROW_ORDER;
import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.CLASS_INDEX;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static dev.softlabels.votes.VoteValidation.REASON;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import dev.softlabels.annotations.AnnotationReader;
import dev.softlabels.annotations.LabelEncoding;
import dev.softlabels.annotations.QuarantineReason;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.spark.internal.InternalRows;
import dev.softlabels.spark.internal.RowView;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The aggregate job's one pass over its checked rows ({@link VoteValidation#checkRows}): one
 * shuffle by image, each partition sorted so that an image's rows are together in (annotator, input
 * order), then one streaming walk that applies the duplicate rule (an annotator's first usable vote
 * on an image counts, later ones are quarantined as duplicate_vote), counts each image's votes per
 * class, and passes the rows rejected on their own through. The walk's output, small next to the
 * input (a row per image and per rejected row), is cached as Java objects and feeds the counts,
 * labels/, quarantine/ and the summary, so the input is read and shuffled once.
 *
 * <p>Why a sort and a walk rather than hash aggregations: the duplicate rule needs each annotator's
 * first vote and every later row itself (the quarantine), and Spark's built-ins give the rows only
 * through a window (slower than the sort) or a join back (a second read of the rows); see
 * docs/design/vote-pass.md.
 *
 * <p>{@link #onto} runs the same pass over a night's rows with the votes the images already have
 * (the relabel store's rows of those images) in the same shuffle: each image's latest earlier row
 * sorts first, its annotators' night votes are duplicates too, and the night's counts come out
 * beside its {@link EarlierVotes}.
 */
public final class VotePass implements AutoCloseable {

  /**
   * The quarantine table's schema: the rejected rows as read, with their reason and input order.
   */
  public static final StructType QUARANTINE =
      new StructType()
          .add(IMAGE, DataTypes.StringType, true)
          .add(ANNOTATOR, DataTypes.StringType, true)
          .add(LABEL, DataTypes.StringType, true)
          .add(RAW_RECORD, DataTypes.StringType, true)
          .add(REASON, DataTypes.StringType, true)
          .add(ROW_ORDER, DataTypes.LongType, true);

  /**
   * The columns of {@link #onto}'s earlier rows: an image's counts, annotators, first night, and
   * the night the row last changed (an image's row with the latest one holds its earlier votes).
   */
  public static final String EARLIER_COUNTS = "counts";

  public static final String EARLIER_ANNOTATORS = "annotators";
  public static final String EARLIER_FIRST_SEEN = "first_seen";
  public static final String EARLIER_LAST_CHANGED = "last_changed";

  /**
   * The walk's name of {@link #EARLIER_LAST_CHANGED}: null on a night's row, which is how the walk
   * tells them apart.
   */
  static final String EARLIER_ORDER = "earlier_last_changed";

  private static final String IMAGE_HASH = "image_hash";
  private static final int QUARANTINE_REASON = QUARANTINE.fieldIndex(REASON);

  /** Sorted partitions per core: small enough to sort in memory, few enough to start quickly. */
  private static final int PARTITIONS_PER_CORE = 8;

  /**
   * Input bytes per sorted partition below which a smaller input takes fewer partitions: Spark's
   * own floor for a partition it coalesces ({@code
   * spark.sql.adaptive.coalescePartitions.minPartitionSize}). See docs/design/vote-pass.md.
   */
  private static final long INPUT_BYTES_PER_PARTITION = 1L << 20;

  private final SparkSession spark;
  private final JavaRDD<Passed> passed;

  private VotePass(SparkSession spark, JavaRDD<Passed> passed) {
    this.spark = spark;
    this.passed = passed;
  }

  /** One element of the walk's output: a voted image, or a rejected row. */
  sealed interface Passed extends Serializable {}

  /**
   * An image's votes, with its earlier votes in {@link #onto}'s pass (null when it had none, and in
   * {@link #run}'s).
   */
  record Voted(ImageVotes votes, EarlierVotes earlier) implements Passed {}

  /** A rejected row: the quarantine columns ({@link #QUARANTINE}). */
  record Rejected(Row row) implements Passed {}

  /**
   * One annotator's votes in one partition against each image's majority vote: {@code
   * confusion[majority * k + given]}, emitted after the partition's images.
   */
  record AnnotatorVotes(String annotator, long[] confusion) implements Passed {}

  /**
   * The votes an image had before the pass: counts per class, who gave them, and the night it was
   * first seen.
   */
  public record EarlierVotes(int[] counts, String[] annotators, String firstSeen)
      implements Serializable {}

  /** Rows read, used and quarantined by reason, and the images with a vote. */
  public record Tally(VoteTally.Counts counts, long images) {}

  /**
   * The pass over {@code checked}: the shuffle runs here (Spark's adaptive execution runs a plan's
   * shuffles when its rows are asked for), the walk's output is cached by the first action on it
   * ({@link #tally}). {@code keepVotes} keeps who gave which vote, for the annotator models; {@code
   * tallyAnnotators} sums each annotator's votes against the images' majority votes as the walk
   * goes ({@link #annotatorConfusions}), without keeping them. {@code inputBytes}, the size of the
   * files {@code checked} was read from, sizes the shuffle.
   */
  public static VotePass run(
      Dataset<Row> checked,
      long inputBytes,
      ClassList classes,
      boolean keepVotes,
      boolean tallyAnnotators) {
    return new VotePass(
        checked.sparkSession(),
        walked(
            checked,
            inputBytes,
            null,
            classes,
            new Walk.Keeps(keepVotes, tallyAnnotators),
            StorageLevel.MEMORY_AND_DISK()));
  }

  /**
   * The pass over a night's {@code checked} rows onto the images' earlier votes: {@code earlier}
   * has image_id and the {@code EARLIER_*} columns, any number of rows per image (the one with the
   * greatest {@link #EARLIER_LAST_CHANGED} counts). A usable vote of an annotator the image's
   * earlier votes already name is a duplicate_vote; an image's votes are the night's alone, its
   * {@link EarlierVotes} beside them. Who voted is kept. The walk's output is not cached: the
   * caller caches what it makes of it ({@link #map}) as a table, which costs less than caching
   * these Java objects (estimating their size, or serializing them, cost as much as the walk
   * itself). {@code nightBytes}, the size of the files the night was read from, sizes the shuffle
   * when there are no earlier votes.
   */
  public static VotePass onto(
      Dataset<Row> checked, long nightBytes, Dataset<Row> earlier, ClassList classes) {
    return new VotePass(
        checked.sparkSession(),
        walked(
            checked,
            nightBytes,
            earlier,
            classes,
            new Walk.Keeps(true, false),
            StorageLevel.NONE()));
  }

  /**
   * The same pass over rows read on the driver ({@link
   * dev.softlabels.annotations.AnnotationReader#readOnDriver}), with no Spark job: each row checked
   * as {@link VoteValidation#checkRows} checks it, the rows sorted into each image's (annotator,
   * input order), and walked as a sorted partition is. {@code keepVotes} as for {@link #run}.
   */
  public static OnDriver onDriver(
      List<AnnotationReader.ReadRow> raw,
      ClassList classes,
      LabelEncoding encoding,
      boolean keepVotes) {
    java.util.function.Function<String, Integer> classIndex =
        VoteValidation.classIndexOf(classes, encoding);
    List<RowView> rows = new ArrayList<>(raw.size());
    for (AnnotationReader.ReadRow read : raw) {
      Integer index = classIndex.apply(read.label());
      rows.add(
          RowView.of(
              read.image(),
              read.annotator(),
              read.label(),
              read.rawRecord(),
              VoteValidation.reason(
                  read.image(),
                  read.annotator(),
                  read.label(),
                  read.rawRecord(),
                  read.toolReason(),
                  index),
              index,
              read.rowOrder(),
              read.fileOrder()));
    }
    rows.sort(
        texts(0)
            .thenComparing(texts(1))
            .thenComparingInt(row -> row.getInt(7))
            .thenComparingLong(row -> row.getLong(6)));
    List<Passed> passed = new ArrayList<>();
    new Walk(DRIVER_ROWS, classes.size(), new Walk.Keeps(keepVotes, false))
        .call(rows.iterator())
        .forEachRemaining(passed::add);
    return new OnDriver(passed);
  }

  /** The rows {@link #onDriver} walks, as Spark's pass selects them. */
  private static final StructType DRIVER_ROWS =
      new StructType()
          .add(IMAGE, DataTypes.StringType)
          .add(ANNOTATOR, DataTypes.StringType)
          .add(LABEL, DataTypes.StringType)
          .add(RAW_RECORD, DataTypes.StringType)
          .add(REASON, DataTypes.StringType)
          .add(CLASS_INDEX, DataTypes.IntegerType)
          .add(ROW_ORDER, DataTypes.LongType)
          .add(FILE_ORDER, DataTypes.IntegerType);

  /** A text field in Spark's order: nulls first, then byte by byte. */
  private static Comparator<RowView> texts(int field) {
    return (a, b) ->
        a.isNullAt(field)
            ? (b.isNullAt(field) ? 0 : -1)
            : (b.isNullAt(field) ? 1 : a.compareText(field, b));
  }

  /** {@link #onDriver}'s output: what the pass gives, held on the driver. */
  public static final class OnDriver {
    private final List<Passed> passed;

    private OnDriver(List<Passed> passed) {
      this.passed = passed;
    }

    /** The counts ({@link VotePass#tally}). */
    public Tally tally() {
      TallyParts parts = new TallyParts();
      passed.forEach(parts::add);
      return new Tally(parts.sums.counts(), parts.images);
    }

    /** Every image's votes. */
    public List<ImageVotes> imageVotes() {
      return passed.stream().filter(p -> p instanceof Voted).map(p -> ((Voted) p).votes()).toList();
    }

    /** The quarantine rows ({@link #QUARANTINE}). */
    public List<Row> rejected() {
      return passed.stream()
          .filter(p -> p instanceof Rejected)
          .map(p -> ((Rejected) p).row())
          .toList();
    }
  }

  private static JavaRDD<Passed> walked(
      Dataset<Row> checked,
      long inputBytes,
      Dataset<Row> earlier,
      ClassList classes,
      Walk.Keeps keeps,
      StorageLevel cached) {
    // Spark's own row form, not Java objects: converting ten rows per image to Java strings cost
    // more than the walk; the walk decodes only what it keeps. The sort's first key is a hash of
    // the image: image ids often share long prefixes (paths, padded numbers), which would leave the
    // sorter's 8-byte key prefix useless and every comparison reading whole rows. Rows of one image
    // still end up together, in (annotator, input order), its earlier rows first, latest first.
    Dataset<Row> rows =
        checked.select(
            col(IMAGE),
            col(ANNOTATOR),
            col(LABEL),
            col(RAW_RECORD),
            col(REASON),
            col(CLASS_INDEX),
            col(ROW_ORDER),
            col(FILE_ORDER));
    List<Column> order = new ArrayList<>(List.of(col(IMAGE_HASH), col(IMAGE)));
    // A night's rows are few: Spark's adaptive execution sizes their partitions (16 tasks of a few
    // rows each cost more than the rows). A whole input's get the partitions measured for it, fewer
    // when its files are small: left to adaptive execution, a large input would get one partition
    // per core (docs/design/vote-pass.md).
    Column image = col(IMAGE);
    Dataset<Row> byImage;
    if (earlier != null) {
      // The night's rows come with null earlier columns, the earlier rows with null night columns.
      rows =
          rows.unionByName(
              earlier.select(
                  col(IMAGE),
                  col(EARLIER_COUNTS),
                  col(EARLIER_ANNOTATORS),
                  col(EARLIER_FIRST_SEEN),
                  col(EARLIER_LAST_CHANGED).as(EARLIER_ORDER)),
              true);
      order.add(col(EARLIER_ORDER).desc_nulls_last());
      byImage = rows.withColumn(IMAGE_HASH, xxhash64(image)).repartition(image);
    } else {
      byImage =
          rows.withColumn(IMAGE_HASH, xxhash64(image))
              .repartition(partitions(checked.sparkSession(), inputBytes), image);
    }
    order.addAll(List.of(col(ANNOTATOR), col(FILE_ORDER), col(ROW_ORDER)));
    Dataset<Row> sorted =
        byImage.sortWithinPartitions(order.toArray(Column[]::new)).drop(FILE_ORDER, IMAGE_HASH);
    JavaRDD<Passed> walked =
        InternalRows.mapPartitions(sorted, new Walk(sorted.schema(), classes.size(), keeps));
    return cached.equals(StorageLevel.NONE()) ? walked : walked.persist(cached);
  }

  /** The counts, from one Spark job: the first computes the pass and caches it. */
  public Tally tally() {
    TallyParts parts = passed.aggregate(new TallyParts(), TallyParts::add, TallyParts::merge);
    return new Tally(parts.sums.counts(), parts.images);
  }

  /** Every image's votes: the input of the label aggregation. */
  public JavaRDD<ImageVotes> imageVotes() {
    return passed.filter(p -> p instanceof Voted).map(p -> ((Voted) p).votes());
  }

  /**
   * Each annotator's votes against the images' majority votes, {@code confusion[majority * k +
   * given]}, merged over partitions (a pass run with {@code tallyAnnotators}).
   */
  public JavaPairRDD<String, long[]> annotatorConfusions() {
    return passed
        .filter(p -> p instanceof AnnotatorVotes)
        .mapToPair(
            p -> new Tuple2<>(((AnnotatorVotes) p).annotator(), ((AnnotatorVotes) p).confusion()))
        .reduceByKey(
            (a, b) -> {
              for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
              }
              return a;
            });
  }

  /**
   * Every element of the walk's output: a voted image's votes and earlier votes (null when it had
   * none), or a rejected row ({@link #QUARANTINE}).
   */
  public <T> JavaRDD<T> map(
      Function2<ImageVotes, EarlierVotes, T> voted, Function<Row, T> rejected) {
    return passed
        .filter(p -> !(p instanceof AnnotatorVotes))
        .map(
            p ->
                p instanceof Voted image
                    ? voted.call(image.votes(), image.earlier())
                    : rejected.call(((Rejected) p).row()));
  }

  /** The quarantine table ({@link #QUARANTINE}). */
  public Dataset<Row> rejected() {
    return spark.createDataFrame(
        passed.filter(p -> p instanceof Rejected).map(p -> ((Rejected) p).row()), QUARANTINE);
  }

  /** Releases the cached pass. */
  @Override
  public void close() {
    passed.unpersist(false);
  }

  private static int partitions(SparkSession spark, long inputBytes) {
    int configured = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    return partitions(
        inputBytes,
        Math.max(configured, PARTITIONS_PER_CORE * spark.sparkContext().defaultParallelism()));
  }

  /**
   * {@code measured}, the partitions for a large input; fewer for a small one, whose hundreds of
   * near-empty tasks (a cluster's 200 shuffle partitions) would cost more than its rows.
   */
  static int partitions(long inputBytes, int measured) {
    long bySize = (inputBytes + INPUT_BYTES_PER_PARTITION - 1) / INPUT_BYTES_PER_PARTITION;
    return (int) Math.max(1, Math.min(measured, bySize));
  }

  /** What {@link #tally} sums: votes used and rejected rows per reason, and images. */
  private static final class TallyParts implements Serializable {
    private static final long serialVersionUID = 1L;
    private final VoteTally.Sums sums = new VoteTally.Sums();
    private long images;

    TallyParts add(Passed passed) {
      if (passed instanceof Voted image) {
        images++;
        sums.used(Arrays.stream(image.votes().counts()).sum());
      } else if (passed instanceof Rejected rejected) {
        sums.rejected(rejected.row().getString(QUARANTINE_REASON));
      }
      return this;
    }

    TallyParts merge(TallyParts other) {
      sums.merge(other.sums);
      images += other.images;
      return this;
    }
  }

  /**
   * The walk over one sorted partition, as a function Spark runs on each: its input rows, in
   * Spark's row form, have image_id, annotator_id, label, raw_record, reason, class_index and
   * row_order, and in {@link #onto}'s pass the earlier rows' counts, annotators, first_seen and
   * {@link #EARLIER_ORDER} (null on a night's row); the fields are found by name in {@code input}.
   */
  static final class Walk implements FlatMapFunction<Iterator<RowView>, Passed> {
    private static final long serialVersionUID = 1L;
    private final int classes;
    private final Keeps keeps;
    private final boolean earlierRows;
    private final int image;
    private final int annotator;
    private final int label;
    private final int rawRecord;
    private final int reason;
    private final int classIndex;
    private final int rowOrder;
    private final int earlierCounts;
    private final int earlierAnnotators;
    private final int earlierFirstSeen;
    private final int earlierOrder;

    /**
     * What the walk keeps beyond the counts: who gave which vote ({@code votes}), and each
     * annotator's votes against the majority ({@code annotatorTallies}).
     */
    record Keeps(boolean votes, boolean annotatorTallies) implements Serializable {}

    Walk(StructType input, int classes, Keeps keeps) {
      this.classes = classes;
      this.keeps = keeps;
      this.earlierRows = Arrays.asList(input.fieldNames()).contains(EARLIER_ORDER);
      this.image = input.fieldIndex(IMAGE);
      this.annotator = input.fieldIndex(ANNOTATOR);
      this.label = input.fieldIndex(LABEL);
      this.rawRecord = input.fieldIndex(RAW_RECORD);
      this.reason = input.fieldIndex(REASON);
      this.classIndex = input.fieldIndex(CLASS_INDEX);
      this.rowOrder = input.fieldIndex(ROW_ORDER);
      this.earlierCounts = earlierRows ? input.fieldIndex(EARLIER_COUNTS) : -1;
      this.earlierAnnotators = earlierRows ? input.fieldIndex(EARLIER_ANNOTATORS) : -1;
      this.earlierFirstSeen = earlierRows ? input.fieldIndex(EARLIER_FIRST_SEEN) : -1;
      this.earlierOrder = earlierRows ? input.fieldIndex(EARLIER_ORDER) : -1;
    }

    @Override
    public Iterator<Passed> call(Iterator<RowView> sorted) {
      return new Output(sorted);
    }

    /**
     * Streams the output: memory holds one image's votes, not the partition. The input rows are
     * reused buffers, so what outlives a row is copied. Texts stay undecoded ({@link RowView#text})
     * but for what the output keeps.
     */
    private final class Output implements Iterator<Passed> {
      private final Iterator<RowView> input;
      private final Deque<Passed> ready = new ArrayDeque<>();
      private final List<String> annotators = new ArrayList<>();
      private final List<Integer> reported = new ArrayList<>();
      private final Map<Object, String> names = new HashMap<>();
      private final Set<Object> earlierAnnotatorTexts = new HashSet<>();
      private final Map<Object, AnnotatorVotes> tallies = new HashMap<>();
      private final List<long[]> imageTallies = new ArrayList<>();
      private boolean talliesEmitted;
      private Object currentImage;
      private Object lastAnnotator;
      private int[] counts;
      private EarlierVotes earlier;
      private boolean voted;

      Output(Iterator<RowView> input) {
        this.input = input;
      }

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && input.hasNext()) {
          take(input.next());
        }
        if (ready.isEmpty()) {
          finishImage();
        }
        if (ready.isEmpty() && keeps.annotatorTallies() && !talliesEmitted) {
          talliesEmitted = true;
          ready.addAll(tallies.values());
          tallies.clear();
        }
        return !ready.isEmpty();
      }

      @Override
      public Passed next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }

      private void take(RowView row) {
        if (earlierRows && !row.isNullAt(earlierOrder)) {
          // Earlier rows come first, the latest first: it is the image's earlier votes, older ones
          // are superseded.
          if (!row.text(image).equals(currentImage)) {
            startImage(row.textCopy(image));
            earlier = earlier(row);
          }
          return;
        }
        if (!row.isNullAt(reason)) {
          ready.add(rejected(row, row.getString(reason)));
          return;
        }
        if (!row.text(image).equals(currentImage)) {
          startImage(row.textCopy(image));
        }
        Object rowAnnotator = row.text(annotator);
        // Sorted by annotator then input order: a usable row of the annotator just seen is a later
        // vote.
        if (rowAnnotator.equals(lastAnnotator) || earlierAnnotatorTexts.contains(rowAnnotator)) {
          ready.add(rejected(row, QuarantineReason.DUPLICATE_VOTE.code()));
          return;
        }
        voted = true;
        lastAnnotator = row.textCopy(annotator);
        int rowClass = row.getInt(classIndex);
        counts[rowClass]++;
        if (keeps.votes()) {
          // One string per annotator, not per vote: an image's votes stay cached for the whole fit.
          annotators.add(names.computeIfAbsent(lastAnnotator, Object::toString));
        }
        if (keeps.annotatorTallies()) {
          imageTallies.add(
              tallies
                  .computeIfAbsent(
                      lastAnnotator,
                      text -> new AnnotatorVotes(text.toString(), new long[classes * classes]))
                  .confusion());
        }
        if (keeps.votes() || keeps.annotatorTallies()) {
          reported.add(rowClass);
        }
      }

      private void startImage(Object next) {
        finishImage();
        currentImage = next;
        counts = new int[classes];
      }

      private EarlierVotes earlier(RowView row) {
        Object[] texts = row.textArrayCopy(earlierAnnotators);
        String[] who = new String[texts.length];
        for (int a = 0; a < who.length; a++) {
          earlierAnnotatorTexts.add(texts[a]);
          who[a] = texts[a].toString();
        }
        return new EarlierVotes(
            row.getIntArray(earlierCounts), who, row.getString(earlierFirstSeen));
      }

      /**
       * Emits the image's votes when it has a usable one (an image with earlier rows alone is not
       * voted on).
       */
      private void finishImage() {
        if (voted && keeps.annotatorTallies()) {
          // The majority, ties to the lowest class; a loop, as it runs once per image.
          int majority = 0;
          for (int c = 1; c < classes; c++) {
            majority = counts[c] > counts[majority] ? c : majority;
          }
          for (int v = 0; v < imageTallies.size(); v++) {
            imageTallies.get(v)[majority * classes + reported.get(v)]++;
          }
        }
        if (voted) {
          ready.add(
              new Voted(
                  keeps.votes()
                      ? new ImageVotes(
                          currentImage.toString(),
                          counts,
                          annotators.toArray(String[]::new),
                          reported.stream().mapToInt(Integer::intValue).toArray())
                      : new ImageVotes(currentImage.toString(), counts, null, null),
                  earlier));
        }
        annotators.clear();
        imageTallies.clear();
        reported.clear();
        earlierAnnotatorTexts.clear();
        currentImage = null;
        earlier = null;
        lastAnnotator = null;
        voted = false;
      }

      private Passed rejected(RowView row, String why) {
        return new Rejected(
            RowFactory.create(
                row.getString(image),
                row.getString(annotator),
                row.getString(label),
                row.getString(rawRecord),
                why,
                row.isNullAt(rowOrder) ? null : row.getLong(rowOrder)));
      }
    }
  }
}
