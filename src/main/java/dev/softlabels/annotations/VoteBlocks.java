package dev.softlabels.annotations;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Votes cached once for the EM iterations, as one compact block per partition: each image's votes held
 * together, annotators as small integers. One pass over the blocks runs the E-step per image inside the
 * partition and sums the M-step's sufficient statistics ({@link Statistics}), which a tree aggregate
 * merges: no shuffle, no join, no per-row objects per iteration.
 */
public final class VoteBlocks implements AutoCloseable {

  /** The tree aggregate's depth: an extra merge stage only where there are many blocks. */
  private static final int TREE_DEPTH = 2;

  private final SparkSession spark;
  private final JavaRDD<Block> blocks;
  private final List<String> annotators;
  private final long votes;
  private final ClassList classes;

  private VoteBlocks(SparkSession spark, JavaRDD<Block> blocks, List<String> annotators, long votes,
      ClassList classes) {
    this.spark = spark;
    this.blocks = blocks;
    this.annotators = annotators;
    this.votes = votes;
    this.classes = classes;
  }

  /**
   * The blocks of every image's votes, one per core (an iteration is arithmetic on arrays: more blocks
   * would only add tasks). Runs the Spark job that caches them.
   */
  public static VoteBlocks of(SparkSession spark, JavaRDD<ImageVotes> images, ClassList classes) {
    JavaRDD<Block> local = images.coalesce(spark.sparkContext().defaultParallelism())
        .mapPartitions(votes -> List.of(Block.of(votes)).iterator())
        .persist(StorageLevel.MEMORY_AND_DISK());
    // Every annotator gets a model row, so the list is as large as the model the driver holds anyway.
    Census census = local.aggregate(new Census(new TreeSet<>(), new long[1]), Census::add, Census::merge);
    List<String> annotators = List.copyOf(census.annotators());
    Map<String, Integer> index = new HashMap<>();
    for (int a = 0; a < annotators.size(); a++) {
      index.put(annotators.get(a), a);
    }
    Broadcast<Map<String, Integer>> broadcastIndex =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(index);
    JavaRDD<Block> global = local.map(block -> block.withGlobalAnnotators(broadcastIndex.value()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    global.count();
    local.unpersist(false);
    // Not destroyed: the blocks' lineage, which recomputes a lost block, still names it.
    broadcastIndex.unpersist(false);
    return new VoteBlocks(spark, global, annotators, census.votes()[0], classes);
  }

  /** The blocks' annotators and votes, summed. */
  private record Census(TreeSet<String> annotators, long[] votes) implements Serializable {
    Census add(Block block) {
      annotators.addAll(Arrays.asList(block.annotators()));
      votes[0] += block.reported().length;
      return this;
    }

    Census merge(Census other) {
      annotators.addAll(other.annotators());
      votes[0] += other.votes()[0];
      return this;
    }
  }

  /** Every annotator with a vote, in id order: index a of the statistics. */
  public List<String> annotators() {
    return annotators;
  }

  public int classes() {
    return classes.size();
  }

  /** How many votes the blocks hold. */
  public long votes() {
    return votes;
  }

  /** {@code work}'s result on all the votes merged into one block, computed in one task. */
  <T> T inOneTask(Function<Block, T> work) {
    return blocks.coalesce(1).mapPartitions(all -> List.of(work.call(Block.merged(all))).iterator()).first();
  }

  SparkSession spark() {
    return spark;
  }

  /** One pass: the statistics of the posteriors {@code posteriors} gives each image. */
  Statistics statistics(Posteriors posteriors) {
    return blocks.treeAggregate(new Statistics(annotators.size(), classes.size()),
        (statistics, block) -> block.addTo(statistics, posteriors), Statistics::merge, TREE_DEPTH);
  }

  /** Per image: image_id, counts, posterior (array&lt;double&gt;) and its log-normaliser ({@link DawidSkene#POSTERIORS}). */
  JavaRDD<Row> posteriorRows(Posteriors posteriors) {
    int k = classes.size();
    return blocks.flatMap(block -> block.posteriorRows(posteriors, k));
  }

  /**
   * Every image's majority label row (the vote fractions as soft label), from the cached votes: the
   * yardstick of an EM iteration, which makes one such pass too.
   */
  public JavaRDD<LabelRow> majorityLabels() {
    return labelRows(DawidSkene.VOTE_FRACTIONS.apply(classes.size()));
  }

  /** Per image its label row with the posterior as soft label. */
  JavaRDD<LabelRow> labelRows(Posteriors posteriors) {
    ClassList labelClasses = classes;
    return blocks.flatMap(block -> block.labelRows(posteriors, labelClasses));
  }

  @Override
  public void close() {
    blocks.unpersist(false);
  }

  /** Gives each image its posterior: the vote fractions, or the E-step of a model. */
  interface Posteriors extends Serializable {
    /**
     * Writes the posterior of the image with votes (annotator[v], reported[v]) for v in [from, to) into
     * {@code posterior} and returns its log-normaliser (the image's log-likelihood; NaN for fractions).
     */
    double posterior(int[] annotator, int[] reported, int from, int to, double[] posterior);
  }

  /** The M-step's sufficient statistics, summed over images. */
  static final class Statistics implements Serializable {
    private static final long serialVersionUID = 1L;
    final int classes;
    /** mass[(a k + j) k + c]: posterior mass of true class c over the labels j annotator a gave. */
    final double[] mass;
    /** labels[a k + j]: how many labels j annotator a gave. */
    final long[] labels;
    final double[] posteriorTotals;
    double logLikelihood;
    long images;
    long votes;

    Statistics(int annotators, int classes) {
      this.classes = classes;
      this.mass = new double[annotators * classes * classes];
      this.labels = new long[annotators * classes];
      this.posteriorTotals = new double[classes];
    }

    Statistics merge(Statistics other) {
      for (int i = 0; i < mass.length; i++) {
        mass[i] += other.mass[i];
      }
      for (int i = 0; i < labels.length; i++) {
        labels[i] += other.labels[i];
      }
      for (int c = 0; c < classes; c++) {
        posteriorTotals[c] += other.posteriorTotals[c];
      }
      logLikelihood += other.logLikelihood;
      images += other.images;
      votes += other.votes;
      return this;
    }

    /** Per (annotator, reported class) with at least one label, its posterior mass: the model's input. */
    List<DawidSkeneModel.Mass> masses(List<String> annotators) {
      List<DawidSkeneModel.Mass> masses = new ArrayList<>();
      for (int a = 0; a < annotators.size(); a++) {
        for (int j = 0; j < classes; j++) {
          long n = labels[a * classes + j];
          if (n == 0) {
            continue;
          }
          double[] byTrueClass = new double[classes];
          for (int c = 0; c < classes; c++) {
            byTrueClass[c] = mass[(a * classes + j) * classes + c];
          }
          masses.add(new DawidSkeneModel.Mass(annotators.get(a), j, byTrueClass, n));
        }
      }
      return masses;
    }
  }

  /**
   * One partition's votes: image i's votes are v in [offsets[i], offsets[i + 1]), by annotator[v],
   * reporting class reported[v]. As read, annotator[v] indexes the block's own {@code annotators};
   * {@link #withGlobalAnnotators} makes it an index into the list of all annotators.
   */
  record Block(String[] images, int[] offsets, String[] annotators, int[] annotator, int[] reported)
      implements Serializable {

    static Block of(Iterator<ImageVotes> votes) {
      List<String> images = new ArrayList<>();
      IntList offsets = new IntList();
      offsets.add(0);
      Map<String, Integer> local = new HashMap<>();
      List<String> annotators = new ArrayList<>();
      IntList annotator = new IntList();
      IntList reported = new IntList();
      while (votes.hasNext()) {
        ImageVotes image = votes.next();
        images.add(image.image());
        for (int v = 0; v < image.annotators().length; v++) {
          annotator.add(local.computeIfAbsent(image.annotators()[v], name -> {
            annotators.add(name);
            return annotators.size() - 1;
          }));
          reported.add(image.classes()[v]);
        }
        offsets.add(annotator.size());
      }
      return new Block(images.toArray(String[]::new), offsets.toArray(), annotators.toArray(String[]::new),
          annotator.toArray(), reported.toArray());
    }

    /** Blocks with global annotator indices, as one block. */
    static Block merged(Iterator<Block> blocks) {
      List<Block> parts = new ArrayList<>();
      blocks.forEachRemaining(parts::add);
      int images = parts.stream().mapToInt(part -> part.images().length).sum();
      int votes = parts.stream().mapToInt(part -> part.reported().length).sum();
      String[] allImages = new String[images];
      int[] offsets = new int[images + 1];
      int[] annotator = new int[votes];
      int[] reported = new int[votes];
      int image = 0;
      int vote = 0;
      for (Block part : parts) {
        System.arraycopy(part.images(), 0, allImages, image, part.images().length);
        for (int i = 1; i <= part.images().length; i++) {
          offsets[image + i] = vote + part.offsets()[i];
        }
        System.arraycopy(part.annotator(), 0, annotator, vote, part.annotator().length);
        System.arraycopy(part.reported(), 0, reported, vote, part.reported().length);
        image += part.images().length;
        vote += part.reported().length;
      }
      return new Block(allImages, offsets, null, annotator, reported);
    }

    /** This block with annotator[v] an index into the sorted list of all annotators. */
    Block withGlobalAnnotators(Map<String, Integer> index) {
      int[] global = new int[annotators.length];
      for (int a = 0; a < global.length; a++) {
        global[a] = index.get(annotators[a]);
      }
      int[] byVote = new int[annotator.length];
      for (int v = 0; v < byVote.length; v++) {
        byVote[v] = global[annotator[v]];
      }
      return new Block(images, offsets, null, byVote, reported);
    }

    Statistics addTo(Statistics statistics, Posteriors posteriors) {
      int k = statistics.classes;
      double[] posterior = new double[k];
      for (int i = 0; i < images.length; i++) {
        double logNormaliser = posteriors.posterior(annotator, reported, offsets[i], offsets[i + 1], posterior);
        statistics.logLikelihood += logNormaliser;
        statistics.images++;
        for (int c = 0; c < k; c++) {
          statistics.posteriorTotals[c] += posterior[c];
        }
        for (int v = offsets[i]; v < offsets[i + 1]; v++) {
          int cell = annotator[v] * k + reported[v];
          statistics.labels[cell]++;
          for (int c = 0; c < k; c++) {
            statistics.mass[cell * k + c] += posterior[c];
          }
        }
        statistics.votes += offsets[i + 1] - offsets[i];
      }
      return statistics;
    }

    Iterator<Row> posteriorRows(Posteriors posteriors, int k) {
      List<Row> rows = new ArrayList<>(images.length);
      forEachImage(posteriors, k, (i, counts, posterior, logNormaliser) -> rows.add(RowFactory.create(
          images[i], Arrays.stream(counts).boxed().toArray(Integer[]::new),
          Arrays.stream(posterior).boxed().toArray(Double[]::new), logNormaliser)));
      return rows.iterator();
    }

    Iterator<LabelRow> labelRows(Posteriors posteriors, ClassList classes) {
      List<LabelRow> rows = new ArrayList<>(images.length);
      forEachImage(posteriors, classes.size(),
          (i, counts, posterior, logNormaliser) -> rows.add(LabelRow.of(images[i], counts, posterior, classes)));
      return rows.iterator();
    }

    private void forEachImage(Posteriors posteriors, int k, ImageResult result) {
      for (int i = 0; i < images.length; i++) {
        double[] posterior = new double[k];
        double logNormaliser = posteriors.posterior(annotator, reported, offsets[i], offsets[i + 1], posterior);
        int[] counts = new int[k];
        for (int v = offsets[i]; v < offsets[i + 1]; v++) {
          counts[reported[v]]++;
        }
        result.accept(i, counts, posterior, logNormaliser);
      }
    }
  }

  /** What {@link Block#forEachImage} gives for image i. */
  private interface ImageResult {
    void accept(int image, int[] counts, double[] posterior, double logNormaliser);
  }

  /** A growable int array: a block's votes without boxing. */
  private static final class IntList {
    private int[] values = new int[64];
    private int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
