package dev.softlabels.truth;

import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.labels.LabelRow;
import dev.softlabels.truth.TruthInference.ImageModel;
import dev.softlabels.truth.TruthInference.Posteriors;
import dev.softlabels.truth.TruthInference.Statistics;
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
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Votes cached once for the EM iterations, as one compact block per partition: each image's votes
 * held together, annotators as small integers. One pass over the blocks runs the E-step per image
 * inside the partition and sums the M-step's sufficient statistics ({@link Statistics}), which a
 * tree aggregate merges: no shuffle, no join, no per-row objects per iteration.
 */
public final class VoteBlocks implements AutoCloseable {

  /** The tree aggregate's depth: an extra merge stage only where there are many blocks. */
  private static final int TREE_DEPTH = 2;

  private final SparkSession spark;
  private final JavaRDD<Block> blocks;
  private final List<String> annotators;
  private final long votes;
  private final ClassList classes;

  private VoteBlocks(
      SparkSession spark,
      JavaRDD<Block> blocks,
      List<String> annotators,
      long votes,
      ClassList classes) {
    this.spark = spark;
    this.blocks = blocks;
    this.annotators = annotators;
    this.votes = votes;
    this.classes = classes;
  }

  /**
   * The blocks of every image's votes, one per core (an iteration is arithmetic on arrays: more
   * blocks would only add tasks). Runs the Spark job that caches them.
   */
  public static VoteBlocks of(SparkSession spark, JavaRDD<ImageVotes> images, ClassList classes) {
    JavaRDD<Block> local =
        images
            .coalesce(spark.sparkContext().defaultParallelism())
            .mapPartitions(votes -> List.of(Block.of(votes)).iterator())
            .persist(StorageLevel.MEMORY_AND_DISK());
    // Every annotator gets a model row, so the list is as large as the model the driver holds
    // anyway.
    Census census =
        local.aggregate(new Census(new TreeSet<>(), new long[1]), Census::add, Census::merge);
    List<String> annotators = List.copyOf(census.annotators());
    Map<String, Integer> index = indexOf(annotators);
    Broadcast<Map<String, Integer>> broadcastIndex =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(index);
    JavaRDD<Block> global =
        local
            .map(block -> block.withGlobalAnnotators(broadcastIndex.value()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    global.count();
    local.unpersist(false);
    // Not destroyed: the blocks' lineage, which recomputes a lost block, still names it.
    broadcastIndex.unpersist(false);
    return new VoteBlocks(spark, global, annotators, census.votes()[0], classes);
  }

  /**
   * Every image's votes held on the driver, as one block with annotator indices into {@code
   * annotators}, every annotator in id order (index a of the statistics), as {@link #of} gives
   * them.
   */
  record InMemory(Block block, List<String> annotators) {

    static InMemory of(List<ImageVotes> images) {
      Block read = Block.of(images.iterator());
      List<String> annotators = List.copyOf(new TreeSet<>(Arrays.asList(read.annotators())));
      return new InMemory(read.withGlobalAnnotators(indexOf(annotators)), annotators);
    }
  }

  private static Map<String, Integer> indexOf(List<String> annotators) {
    Map<String, Integer> index = new HashMap<>();
    for (int a = 0; a < annotators.size(); a++) {
      index.put(annotators.get(a), a);
    }
    return index;
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
  List<String> annotators() {
    return annotators;
  }

  int classes() {
    return classes.size();
  }

  /** How many votes the blocks hold. */
  long votes() {
    return votes;
  }

  /** {@code work}'s result on all the votes merged into one block, computed in one task. */
  <T> T inOneTask(Function<Block, T> work) {
    return blocks
        .coalesce(1)
        .mapPartitions(all -> List.of(work.call(Block.merged(all))).iterator())
        .first();
  }

  SparkSession spark() {
    return spark;
  }

  /**
   * One pass of a method without per-image parameters: each image's posterior from {@code
   * posteriors}, and the statistics {@code model} gathers from it, summed by a tree aggregate.
   */
  Statistics statistics(Posteriors posteriors, ImageModel model, int methodStatistics) {
    int annotatorCount = annotators.size();
    int k = classes.size();
    return blocks.treeAggregate(
        new Statistics(annotatorCount, k, methodStatistics),
        (statistics, block) -> block.addTo(statistics, posteriors, model, new double[0], 0),
        Statistics::merge,
        TREE_DEPTH);
  }

  /**
   * One pass of a method whose images keep parameters between passes ({@code width} numbers each,
   * starting at 0 where {@code before} is null): per block the parameters after the pass and the
   * block's statistics, cached and its lineage cut there, since the next pass reads the parameters
   * (unpersist the previous pass once this one is done). The statistics are merged by a tree
   * aggregate over the cached result.
   */
  ImagePass statistics(
      Posteriors posteriors,
      ImageModel model,
      int methodStatistics,
      JavaRDD<BlockPass> before,
      int width) {
    int annotatorCount = annotators.size();
    int k = classes.size();
    Function2<Block, double[], BlockPass> pass =
        (votes, image) ->
            new BlockPass(
                image,
                votes.addTo(
                    new Statistics(annotatorCount, k, methodStatistics),
                    posteriors,
                    model,
                    image,
                    width));
    // The previous pass's parameters are copied: a cached result must never change.
    JavaRDD<BlockPass> passed =
        (before == null
                ? blocks.map(votes -> pass.call(votes, new double[votes.images().length * width]))
                : blocks.zipPartitions(
                    before,
                    (votes, previous) ->
                        List.of(pass.call(votes.next(), previous.next().image().clone()))
                            .iterator()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    // Each pass would otherwise add a step to the lineage, and every task would carry all earlier
    // passes' models: cut where the pass is cached. The price: a lost executor fails the fit
    // instead of recomputing.
    passed.rdd().localCheckpoint();
    Statistics statistics =
        passed.map(BlockPass::statistics).treeReduce(Statistics::merge, TREE_DEPTH);
    return new ImagePass(statistics, passed);
  }

  /** A block's image parameters after a pass, and the pass's statistics over the block. */
  record BlockPass(double[] image, Statistics statistics) implements Serializable {}

  /**
   * What a pass with image parameters gives: the merged statistics, and the cached blocks' results.
   */
  record ImagePass(Statistics statistics, JavaRDD<BlockPass> images) {}

  /**
   * Per image: image_id, counts, posterior (array&lt;double&gt;) and its log-likelihood ({@link
   * Em#POSTERIORS}), with the image parameters {@code images} holds (null: none).
   */
  JavaRDD<Row> posteriorRows(Posteriors posteriors, JavaRDD<BlockPass> images, int width) {
    int k = classes.size();
    return withImages(
        images, width, (block, image) -> block.posteriorRows(posteriors, image, width, k));
  }

  /**
   * Every image's majority label row (the vote fractions as soft label), from the cached votes: the
   * yardstick of an EM iteration, which makes one such pass too.
   */
  public JavaRDD<LabelRow> majorityLabels() {
    return labelRows(Em.voteFractions(classes.size()), null, 0).map(ImageLabel::row);
  }

  /**
   * Per image its label row with the posterior as soft label, and the model's values of the image.
   */
  JavaRDD<ImageLabel> labelRows(ImageModel model, JavaRDD<BlockPass> images, int width) {
    ClassList labelClasses = classes;
    return withImages(
        images, width, (block, image) -> block.labelRows(model, image, width, labelClasses));
  }

  /** One image's label row, and its values of the method's own image columns. */
  public record ImageLabel(LabelRow row, Object[] imageValues) implements Serializable {}

  private <T> JavaRDD<T> withImages(
      JavaRDD<BlockPass> images, int width, Function2<Block, double[], Iterator<T>> perBlock) {
    if (images == null) {
      return blocks.flatMap(
          block -> perBlock.call(block, new double[block.images().length * width]));
    }
    return blocks.zipPartitions(
        images, (block, pass) -> perBlock.call(block.next(), pass.next().image()));
  }

  @Override
  public void close() {
    blocks.unpersist(false);
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
          annotator.add(
              local.computeIfAbsent(
                  image.annotators()[v],
                  name -> {
                    annotators.add(name);
                    return annotators.size() - 1;
                  }));
          reported.add(image.classes()[v]);
        }
        offsets.add(annotator.size());
      }
      return new Block(
          images.toArray(String[]::new),
          offsets.toArray(),
          annotators.toArray(String[]::new),
          annotator.toArray(),
          reported.toArray());
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

    /**
     * The pass over this block's images: each image's posterior, the method's share of the
     * statistics ({@code model}'s, which may update the image's parameters in {@code image}, image
     * i's at i * width), and the share every method needs. The first pass's posteriors are the vote
     * fractions, the others' the model's own.
     */
    Statistics addTo(
        Statistics statistics, Posteriors posteriors, ImageModel model, double[] image, int width) {
      int k = statistics.posteriorTotals.length;
      double[] posterior = new double[k];
      for (int i = 0; i < images.length; i++) {
        int from = offsets[i];
        int to = offsets[i + 1];
        // The same object for every pass but the first: the model gives its own posteriors (Java
        // serialisation keeps one object one object, so this holds in every task).
        if (posteriors == model) {
          statistics.logLikelihood +=
              model.passImage(
                  annotator, reported, from, to, image, i * width, posterior, statistics.method);
        } else {
          statistics.logLikelihood +=
              posteriors.posterior(annotator, reported, from, to, image, i * width, posterior);
          model.accumulate(
              annotator, reported, from, to, posterior, image, i * width, statistics.method);
        }
        statistics.images++;
        for (int c = 0; c < k; c++) {
          statistics.posteriorTotals[c] += posterior[c];
        }
        for (int v = from; v < to; v++) {
          statistics.labels[annotator[v]]++;
          statistics.agreeing[annotator[v]] += posterior[reported[v]];
        }
        statistics.votes += to - from;
      }
      return statistics;
    }

    Iterator<Row> posteriorRows(Posteriors posteriors, double[] image, int width, int k) {
      List<Row> rows = new ArrayList<>(images.length);
      forEachImage(
          posteriors,
          image,
          width,
          k,
          (i, counts, posterior, logLikelihood) ->
              rows.add(
                  RowFactory.create(
                      images[i],
                      Arrays.stream(counts).boxed().toArray(Integer[]::new),
                      Arrays.stream(posterior).boxed().toArray(Double[]::new),
                      logLikelihood)));
      return rows.iterator();
    }

    Iterator<ImageLabel> labelRows(ImageModel model, double[] image, int width, ClassList classes) {
      List<ImageLabel> rows = new ArrayList<>(images.length);
      forEachImage(
          model,
          image,
          width,
          classes.size(),
          (i, counts, posterior, logLikelihood) ->
              rows.add(
                  new ImageLabel(
                      LabelRow.of(images[i], counts, posterior, classes),
                      model.imageValues(image, i * width))));
      return rows.iterator();
    }

    private void forEachImage(
        Posteriors posteriors, double[] image, int width, int k, ImageResult result) {
      for (int i = 0; i < images.length; i++) {
        double[] posterior = new double[k];
        double logLikelihood =
            posteriors.posterior(
                annotator, reported, offsets[i], offsets[i + 1], image, i * width, posterior);
        int[] counts = new int[k];
        for (int v = offsets[i]; v < offsets[i + 1]; v++) {
          counts[reported[v]]++;
        }
        result.accept(i, counts, posterior, logLikelihood);
      }
    }
  }

  /** What {@link Block#forEachImage} gives for image i. */
  private interface ImageResult {
    void accept(int image, int[] counts, double[] posterior, double logLikelihood);
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
