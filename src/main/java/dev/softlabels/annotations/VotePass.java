package dev.softlabels.annotations;

import static dev.softlabels.annotations.AnnotationReader.FILE_ORDER;
import static dev.softlabels.annotations.AnnotationReader.RAW_RECORD;
import static dev.softlabels.annotations.AnnotationReader.ROW_ORDER;
import static dev.softlabels.annotations.VoteValidation.REASON;
import static dev.softlabels.labels.LabelColumns.ANNOTATOR;
import static dev.softlabels.labels.LabelColumns.CLASS_INDEX;
import static dev.softlabels.labels.LabelColumns.IMAGE;
import static dev.softlabels.labels.LabelColumns.LABEL;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import dev.softlabels.labels.ClassList;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The aggregate job's one pass over its checked rows ({@link VoteValidation#checkRows}): one shuffle by
 * image, each partition sorted so that an image's rows are together in (annotator, input order), then
 * one streaming walk that applies the duplicate rule (an annotator's first usable vote on an image
 * counts, later ones are quarantined as duplicate_vote), counts each image's votes per class, and passes
 * the rows rejected on their own through. The walk's output, small next to the input (a row per image and per
 * rejected row), is cached as Java objects and feeds the counts, labels/, quarantine/ and the summary,
 * so the input is read and shuffled once.
 *
 * <p>Why a sort and a walk rather than hash aggregations: the duplicate rule needs each annotator's
 * first vote and every later row itself (the quarantine), and Spark's built-ins give the rows only
 * through a window (measured at 2× the sort) or a join back (a second read of the rows); see the
 * docs/performance.md#how-aggregate-reads-every-row-once.
 *
 * <p>{@link #onto} runs the same pass over a night's rows with the votes the images already have
 * (the relabel store's rows of those images) in the same shuffle: each image's latest earlier row
 * sorts first, its annotators' night votes are duplicates too, and the night's counts come out beside it.
 */
public final class VotePass implements AutoCloseable {

  /** The quarantine table's schema: the rejected rows as read, with their reason and input order. */
  public static final StructType QUARANTINE = new StructType()
      .add(IMAGE, DataTypes.StringType, true)
      .add(ANNOTATOR, DataTypes.StringType, true)
      .add(LABEL, DataTypes.StringType, true)
      .add(RAW_RECORD, DataTypes.StringType, true)
      .add(REASON, DataTypes.StringType, true)
      .add(ROW_ORDER, DataTypes.LongType, true);
  /** The columns of {@link #onto}'s earlier rows: an image's counts, annotators, first night, and order. */
  public static final String PRIOR_COUNTS = "counts";
  public static final String PRIOR_ANNOTATORS = "annotators";
  public static final String PRIOR_FIRST_SEEN = "first_seen";
  public static final String PRIOR_ORDER = "last_changed";
  private static final String IMAGE_HASH = "image_hash";
  private static final String PRIOR = "prior_";
  /** Sorted partitions per core: small enough to sort in memory, few enough to start quickly. */
  private static final int PARTITIONS_PER_CORE = 8;

  private final SparkSession spark;
  private final JavaRDD<Passed> passed;

  private VotePass(SparkSession spark, JavaRDD<Passed> passed) {
    this.spark = spark;
    this.passed = passed;
  }

  /**
   * One element of the walk's output: an image's votes (with its earlier votes in {@link #onto}'s pass,
   * null when it had none), or a rejected row (quarantine columns).
   */
  record Passed(ImageVotes votes, Prior prior, Row rejected) implements Serializable {}

  /** The votes an image had before the pass: counts per class, who gave them, and the night it was first seen. */
  public record Prior(int[] counts, String[] annotators, String firstSeen) implements Serializable {}

  /** Rows read, used and quarantined by reason, and the images with a vote. */
  public record Tally(VoteTally.Counts counts, long images) {}

  /**
   * The pass over {@code checked}: the shuffle runs here (Spark's adaptive execution runs a plan's
   * shuffles when its rows are asked for), the walk's output is cached by the first action on it
   * ({@link #tally}). {@code keepVotes} keeps who gave which vote, for the annotator models.
   */
  public static VotePass run(Dataset<Row> checked, ClassList classes, boolean keepVotes) {
    return new VotePass(checked.sparkSession(), walked(checked, null, classes, keepVotes,
        StorageLevel.MEMORY_AND_DISK()));
  }

  /**
   * The pass over a night's {@code checked} rows onto the images' earlier votes: {@code priors} has
   * image_id and the {@code PRIOR_*} columns, any number of rows per image (the one with the greatest
   * {@link #PRIOR_ORDER} counts). A usable vote of an annotator the image's earlier votes already name is a
   * duplicate_vote; an image's votes are the night's alone, its {@link Prior} beside them. Who voted is kept.
   * The walk's output is not cached: the caller caches what it makes of it ({@link #map}) as a table, which
   * costs less than caching these Java objects (estimating their size, or serializing them, cost as much
   * as the walk itself).
   */
  public static VotePass onto(Dataset<Row> checked, Dataset<Row> priors, ClassList classes) {
    return new VotePass(checked.sparkSession(), walked(checked, priors, classes, true, StorageLevel.NONE()));
  }

  private static JavaRDD<Passed> walked(Dataset<Row> checked, Dataset<Row> priors, ClassList classes,
      boolean keepVotes, StorageLevel cached) {
    // Spark's own row form, not Java objects: converting ten rows per image to Java strings cost more
    // than the walk; the walk decodes only what it keeps.
    // The sort's first key is a hash of the image: image ids often share long prefixes (paths, padded
    // numbers), which would leave the sorter's 8-byte key prefix useless and every comparison reading
    // whole rows. Rows of one image still end up together, in (annotator, input order), its earlier
    // rows first, latest first.
    Dataset<Row> rows = checked.select(col(IMAGE), col(ANNOTATOR), col(LABEL), col(RAW_RECORD), col(REASON),
        col(CLASS_INDEX), col(ROW_ORDER), col(FILE_ORDER));
    List<Column> order = new ArrayList<>(List.of(col(IMAGE_HASH), col(IMAGE)));
    // A night's rows are few: Spark's adaptive execution sizes their partitions (16 tasks of a few rows
    // each cost more than the rows); a whole input's get the partitions measured for it.
    Column image = col(IMAGE);
    Dataset<Row> byImage;
    if (priors != null) {
      // The night's rows come with null earlier columns, the earlier rows with null night columns.
      rows = rows.unionByName(priors.select(col(IMAGE), col(PRIOR_COUNTS), col(PRIOR_ANNOTATORS),
          col(PRIOR_FIRST_SEEN), col(PRIOR_ORDER).as(PRIOR + PRIOR_ORDER)), true);
      order.add(col(PRIOR + PRIOR_ORDER).desc_nulls_last());
      byImage = rows.withColumn(IMAGE_HASH, xxhash64(image)).repartition(image);
    } else {
      byImage = rows.withColumn(IMAGE_HASH, xxhash64(image)).repartition(partitions(checked.sparkSession()), image);
    }
    order.addAll(List.of(col(ANNOTATOR), col(FILE_ORDER), col(ROW_ORDER)));
    JavaRDD<InternalRow> sorted = byImage
        .sortWithinPartitions(order.toArray(Column[]::new))
        .drop(FILE_ORDER, IMAGE_HASH)
        .queryExecution().toRdd().toJavaRDD();
    JavaRDD<Passed> walked = sorted.mapPartitions(new Walk(classes.size(), keepVotes, priors != null));
    return cached.equals(StorageLevel.NONE()) ? walked : walked.persist(cached);
  }

  /** The counts, from one Spark job: the first computes the pass and caches it. */
  public Tally tally() {
    TallyParts parts = passed.aggregate(new TallyParts(), TallyParts::add, TallyParts::merge);
    return new Tally(parts.sums.counts(), parts.images);
  }

  /** Every image's votes: the input of {@link LabelAggregation}. */
  public JavaRDD<ImageVotes> imageVotes() {
    return passed.filter(p -> p.votes() != null).map(Passed::votes);
  }

  /** Every element of the walk's output: a voted image's votes and earlier votes, or a rejected row ({@link #QUARANTINE}). */
  public <T> JavaRDD<T> map(Function2<ImageVotes, Prior, T> voted, Function<Row, T> rejected) {
    return passed.map(p -> p.votes() != null ? voted.call(p.votes(), p.prior()) : rejected.call(p.rejected()));
  }

  /** The quarantine table ({@link #QUARANTINE}). */
  public Dataset<Row> rejected() {
    return spark.createDataFrame(passed.filter(p -> p.rejected() != null).map(Passed::rejected), QUARANTINE);
  }

  /** Releases the cached pass. */
  @Override
  public void close() {
    passed.unpersist(false);
  }

  private static int partitions(SparkSession spark) {
    int configured = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    return Math.max(configured, PARTITIONS_PER_CORE * spark.sparkContext().defaultParallelism());
  }

  /** What {@link #tally} sums: votes used and rejected rows per reason, and images. */
  private static final class TallyParts implements Serializable {
    private static final long serialVersionUID = 1L;
    private final VoteTally.Sums sums = new VoteTally.Sums();
    private long images;

    TallyParts add(Passed passed) {
      if (passed.rejected() != null) {
        sums.rejected(passed.rejected().getString(4));
      } else {
        images++;
        sums.used(Arrays.stream(passed.votes().counts()).sum());
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
   * The walk over one sorted partition, as a function Spark runs on each: its input columns are
   * image_id, annotator_id, label, raw_record, reason, class_index, row_order, in Spark's row form, and
   * with priors the earlier rows' counts, annotators, first_seen and order (null on a night's row).
   */
  static final class Walk implements FlatMapFunction<Iterator<InternalRow>, Passed> {
    private static final long serialVersionUID = 1L;
    private static final int PRIOR_ORDER_FIELD = 10;
    private final int classes;
    private final boolean keepVotes;
    private final boolean priors;

    Walk(int classes, boolean keepVotes, boolean priors) {
      this.classes = classes;
      this.keepVotes = keepVotes;
      this.priors = priors;
    }

    @Override
    public Iterator<Passed> call(Iterator<InternalRow> sorted) {
      return new Output(sorted);
    }

    /**
     * Streams the output: memory holds one image's votes, not the partition. The input rows are reused
     * buffers, so what outlives a row is copied.
     */
    private final class Output implements Iterator<Passed> {
      private final Iterator<InternalRow> input;
      private final Deque<Passed> ready = new ArrayDeque<>();
      private final List<String> annotators = new ArrayList<>();
      private final List<Integer> reported = new ArrayList<>();
      private final Map<UTF8String, String> names = new HashMap<>();
      private final Set<UTF8String> earlierAnnotators = new HashSet<>();
      private UTF8String image;
      private UTF8String lastAnnotator;
      private int[] counts;
      private Prior prior;
      private boolean voted;

      Output(Iterator<InternalRow> input) {
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
        return !ready.isEmpty();
      }

      @Override
      public Passed next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }

      private void take(InternalRow row) {
        if (priors && !row.isNullAt(PRIOR_ORDER_FIELD)) {
          // Earlier rows come first, the latest first: it is the image's prior, older ones are superseded.
          if (!row.getUTF8String(0).equals(image)) {
            startImage(row.getUTF8String(0));
            prior = prior(row);
          }
          return;
        }
        if (!row.isNullAt(4)) {
          ready.add(rejected(row, row.getUTF8String(4).toString()));
          return;
        }
        UTF8String rowImage = row.getUTF8String(0);
        if (!rowImage.equals(image)) {
          startImage(rowImage);
        }
        UTF8String annotator = row.getUTF8String(1);
        // Sorted by annotator then input order: a usable row of the annotator just seen is a later vote.
        if (annotator.equals(lastAnnotator) || earlierAnnotators.contains(annotator)) {
          ready.add(rejected(row, QuarantineReason.DUPLICATE_VOTE.code()));
          return;
        }
        voted = true;
        lastAnnotator = annotator.clone();
        int classIndex = row.getInt(5);
        counts[classIndex]++;
        if (keepVotes) {
          // One string per annotator, not per vote: an image's votes stay cached for the whole fit.
          annotators.add(names.computeIfAbsent(lastAnnotator, UTF8String::toString));
          reported.add(classIndex);
        }
      }

      private void startImage(UTF8String next) {
        finishImage();
        image = next.clone();
        counts = new int[classes];
      }

      private Prior prior(InternalRow row) {
        ArrayData earlier = row.getArray(8);
        String[] who = new String[earlier.numElements()];
        for (int a = 0; a < who.length; a++) {
          UTF8String annotator = earlier.getUTF8String(a).clone();
          earlierAnnotators.add(annotator);
          who[a] = annotator.toString();
        }
        return new Prior(row.getArray(7).toIntArray(), who, row.getUTF8String(9).toString());
      }

      /** Emits the image's votes when it has a usable one (an image with earlier rows alone is not voted on). */
      private void finishImage() {
        if (voted) {
          ready.add(new Passed(keepVotes
              ? new ImageVotes(image.toString(), counts, annotators.toArray(String[]::new),
                  reported.stream().mapToInt(Integer::intValue).toArray())
              : new ImageVotes(image.toString(), counts, null, null), prior, null));
        }
        annotators.clear();
        reported.clear();
        earlierAnnotators.clear();
        image = null;
        prior = null;
        lastAnnotator = null;
        voted = false;
      }

      private Passed rejected(InternalRow row, String reason) {
        return new Passed(null, null, RowFactory.create(text(row, 0), text(row, 1), text(row, 2), text(row, 3), reason,
            row.isNullAt(6) ? null : row.getLong(6)));
      }

      private static String text(InternalRow row, int field) {
        return row.isNullAt(field) ? null : row.getUTF8String(field).toString();
      }
    }
  }
}
