package dev.softlabels.truth;

import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.ImageVotes;
import dev.softlabels.labels.LabelColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The truth-inference method behind each aggregation method other than the majority vote, and the
 * way in from other packages: {@link #fit} runs a method over every image's votes and gives a
 * {@link Fit}.
 */
public final class TruthInferences {

  private TruthInferences() {}

  static TruthInference<?> of(AggregationMethod method) {
    return switch (method) {
      case DAWID_SKENE -> new DawidSkene();
      case ONE_COIN -> new OneCoinDawidSkene();
      case GLAD -> new Glad();
      case MACE -> new Mace();
      case WAWA -> new Wawa();
      case MAJORITY ->
          throw new IllegalArgumentException("the majority vote counts votes: it has no model");
    };
  }

  /** The columns a method's label rows have after the label table's (GLAD's difficulty). */
  public static List<StructField> imageColumns(AggregationMethod method) {
    return of(method).imageColumns();
  }

  /**
   * Fits {@code method} to {@code images}: caches the votes as {@link VoteBlocks}, runs EM on them,
   * and caches the final model's label rows. Close the fit once its rows and annotators have been
   * used.
   */
  public static Fit fit(
      SparkSession spark,
      JavaRDD<ImageVotes> images,
      ClassList classes,
      AggregationMethod method,
      EmSettings settings) {
    VoteBlocks blocks = VoteBlocks.of(spark, images, classes);
    Em.Fit<?> fit = Em.fit(blocks, method, settings);
    return new Fit(
        spark, blocks, fit, fit.labelRows(blocks).persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /**
   * Fits {@code method} to {@code images} held on the driver, with no Spark job: the votes as one
   * block, EM in memory. For inputs small enough that the driver reads them itself; the figures and
   * rows are those {@link #fit} gives, up to the order in which floating-point sums are taken.
   */
  public static DriverFit fitOnDriver(
      List<ImageVotes> images, ClassList classes, AggregationMethod method, EmSettings settings) {
    VoteBlocks.InMemory votes = VoteBlocks.InMemory.of(images);
    TruthInference<?> inference = of(method);
    Em.BlockPasses passes =
        new Em.BlockPasses(
            votes.block(), votes.annotators(), classes.size(), inference.imageParameters());
    return new DriverFit(
        Em.fitInMemory(passes, inference, settings), votes.annotators(), passes, classes);
  }

  /** A fitted method's figures and its annotators table, wherever it was fitted. */
  public abstract static sealed class Fitted permits Fit, DriverFit {
    final Em.Fit<?> em;
    final List<String> annotators;

    Fitted(Em.Fit<?> em, List<String> annotators) {
      this.em = em;
      this.annotators = annotators;
    }

    /** The columns of {@link VoteBlocks.ImageLabel#imageValues}. */
    public List<StructField> imageColumns() {
      return em.method().imageColumns();
    }

    /**
     * Each annotator's accuracy as the annotators/ table gives it (the expected share of its labels
     * that match the true class).
     */
    public Map<String, Double> accuracies() {
      Map<String, Double> accuracies = new HashMap<>(annotators.size() * 2);
      for (int a = 0; a < annotators.size(); a++) {
        accuracies.put(annotators.get(a), em.last().accuracy(a));
      }
      return accuracies;
    }

    /** How many annotators the model has a row for. */
    public int annotatorCount() {
      return annotators.size();
    }

    public int iterations() {
      return em.iterations();
    }

    public boolean converged() {
      return em.converged();
    }

    /** The log-likelihood of the model entering each iteration, in order. */
    public List<Double> logLikelihoods() {
      return em.logLikelihoods();
    }

    public double secondsPerIteration() {
      return em.secondsPerIteration();
    }

    /**
     * The first pass, the statistics of the vote fractions: a majority vote's pass over the cached
     * votes.
     */
    public double firstPassSeconds() {
      return em.firstPassSeconds();
    }

    /** Each class's share of the votes, averaged over images (the mean vote fractions). */
    public double[] voteShares() {
      return em.voteShares();
    }

    /** Each class's share of the last pass's posteriors: the class shares the fit ends with. */
    public double[] fittedShares() {
      return em.fittedShares();
    }

    /**
     * The schema of annotators/: annotator_id, labels, accuracy (the expected share of its labels
     * that match the true class, over the posteriors of the last pass), then the method's
     * parameters.
     */
    public StructType annotatorSchema() {
      StructType schema =
          new StructType()
              .add(LabelColumns.ANNOTATOR, DataTypes.StringType, false)
              .add("labels", DataTypes.LongType, false)
              .add("accuracy", DataTypes.DoubleType, false);
      for (StructField column : em.method().annotatorColumns()) {
        schema = schema.add(column);
      }
      return schema;
    }

    /** The rows of annotators/ ({@link #annotatorSchema}), one per annotator, in id order. */
    public List<Row> annotatorRows() {
      return annotatorRows(em, annotators);
    }

    private static <M extends Serializable> List<Row> annotatorRows(
        Em.Fit<M> fit, List<String> annotators) {
      List<Row> rows = new ArrayList<>(annotators.size());
      for (int a = 0; a < annotators.size(); a++) {
        List<Object> values =
            new ArrayList<>(
                List.of(annotators.get(a), fit.last().labels[a], fit.last().accuracy(a)));
        values.addAll(Arrays.asList(fit.method().annotatorValues(fit.model(), a)));
        rows.add(RowFactory.create(values.toArray()));
      }
      return rows;
    }
  }

  /** A method fitted by Spark jobs: its label rows and annotators table, and the figures. */
  public static final class Fit extends Fitted implements AutoCloseable {
    private final SparkSession spark;
    private final VoteBlocks blocks;
    private final JavaRDD<VoteBlocks.ImageLabel> labelRows;

    private Fit(
        SparkSession spark,
        VoteBlocks blocks,
        Em.Fit<?> em,
        JavaRDD<VoteBlocks.ImageLabel> labelRows) {
      super(em, blocks.annotators());
      this.spark = spark;
      this.blocks = blocks;
      this.labelRows = labelRows;
    }

    /**
     * Every image's label row with the final model's posterior as soft label, and its values of
     * {@link #imageColumns}; cached.
     */
    public JavaRDD<VoteBlocks.ImageLabel> labelRows() {
      return labelRows;
    }

    /** annotators/ ({@link #annotatorSchema}). */
    public Dataset<Row> annotators() {
      return spark.createDataFrame(annotatorRows(), annotatorSchema());
    }

    /** Releases what the fit cached: the label rows, the images' parameters and the votes. */
    @Override
    public void close() {
      labelRows.unpersist(false);
      em.close();
      blocks.close();
    }
  }

  /** A method fitted on the driver ({@link #fitOnDriver}). */
  public static final class DriverFit extends Fitted {
    private final Em.BlockPasses passes;
    private final ClassList classes;

    private DriverFit(
        Em.Fit<?> em, List<String> annotators, Em.BlockPasses passes, ClassList classes) {
      super(em, annotators);
      this.passes = passes;
      this.classes = classes;
    }

    /**
     * Every image's label row with the final model's posterior as soft label, and its values of
     * {@link #imageColumns}.
     */
    public List<VoteBlocks.ImageLabel> labelRows() {
      List<VoteBlocks.ImageLabel> rows = new ArrayList<>();
      finalPass(em).forEachRemaining(rows::add);
      return rows;
    }

    private <M extends Serializable> Iterator<VoteBlocks.ImageLabel> finalPass(Em.Fit<M> fit) {
      return passes.labelRows(fit.method().pass(fit.model(), annotators), classes);
    }
  }
}
