package dev.softlabels.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import dev.softlabels.aggregate.LabelAggregation;
import dev.softlabels.labels.AggregationMethod;
import dev.softlabels.labels.ClassList;
import dev.softlabels.labels.LabelColumns;
import dev.softlabels.truth.EmSettings;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Annotation rows (image, annotator, label) to one row per image with its hard and soft label, as a
 * Spark ML stage: the aggregate job's labels/ columns plus the soft label as an ML {@code Vector}.
 * {@code method} is majority (vote fractions, majority vote with ties to the lowest class index) or
 * one of the truth-inference methods (dawid-skene, one-coin, glad, mace, wawa: posteriors and their
 * argmax).
 *
 * <p>These methods are transductive: an image's posterior depends on every annotator's estimated
 * reliability, which depends on all the annotations being aggregated. So this is a Transformer, and
 * for them {@link #transform} runs the EM iterations (Spark jobs) on the rows it is given. {@link
 * #aggregate} also returns the fitted annotator model. Its params are turned into the aggregate
 * job's typed settings and passed to the same {@link LabelAggregation} as the aggregate job's.
 *
 * <p>The label column holds class names (string) or 0-based class indices (integer); a null or
 * unknown label, image or annotator fails the job ({@code handleInvalid = error}) or drops the row
 * ({@code skip}). Each (image, annotator) pair should vote once: the aggregate job quarantines
 * later duplicates first.
 */
public final class LabelAggregator extends Transformer implements DefaultParamsWritable {

  private static final long serialVersionUID = 1L;
  private final String uid;
  private final Param<String> imageCol;
  private final Param<String> annotatorCol;
  private final Param<String> labelCol;
  private final StringArrayParam classes;
  private final Param<String> method;
  private final Param<String> softLabelCol;
  private final Param<String> hardLabelCol;
  private final Param<String> vectorCol;
  private final Param<String> handleInvalid;
  private final IntParam maxIter;
  private final DoubleParam tol;
  private final DoubleParam smoothing;

  public LabelAggregator() {
    this(Identifiable$.MODULE$.randomUID("labelAggregator"));
  }

  public LabelAggregator(String uid) {
    this.uid = uid;
    imageCol = new Param<>(this, "imageCol", "image id column (input and output)");
    annotatorCol = new Param<>(this, "annotatorCol", "annotator id column");
    labelCol =
        new Param<>(
            this,
            "labelCol",
            "label column: a class name (string) or 0-based class index (integer)");
    classes =
        new StringArrayParam(this, "classes", "class names in class-index order (at least two)");
    method =
        new Param<>(
            this,
            "method",
            "majority, dawid-skene, one-coin, glad, mace or wawa",
            ParamValidators.inArray(
                Arrays.stream(AggregationMethod.values())
                    .map(AggregationMethod::configName)
                    .toArray(String[]::new)));
    softLabelCol = new Param<>(this, "softLabelCol", "output: soft label as array<double>");
    hardLabelCol = new Param<>(this, "hardLabelCol", "output: hard label (class index)");
    vectorCol = new Param<>(this, "vectorCol", "output: soft label as an ML Vector");
    handleInvalid =
        new Param<>(
            this,
            "handleInvalid",
            "error (fail on a row with a null or unknown label, image or annotator) or skip (drop it)",
            ParamValidators.inArray(new String[] {"error", "skip"}));
    maxIter =
        new IntParam(this, "maxIter", "EM methods: iterations at most", ParamValidators.gtEq(1));
    tol =
        new DoubleParam(
            this,
            "tol",
            "EM methods: stop when the log-likelihood changes by less than this per vote",
            ParamValidators.gtEq(0));
    smoothing =
        new DoubleParam(
            this,
            "smoothing",
            "EM methods: pseudo-count added to every count a probability is estimated from (> 0)",
            ParamValidators.gt(0));
    setDefault(imageCol, LabelColumns.IMAGE);
    setDefault(annotatorCol, LabelColumns.ANNOTATOR);
    setDefault(labelCol, LabelColumns.LABEL);
    setDefault(method, AggregationMethod.MAJORITY.configName());
    setDefault(softLabelCol, LabelColumns.SOFT_LABEL);
    setDefault(hardLabelCol, LabelColumns.HARD_LABEL);
    setDefault(vectorCol, "soft_label_vector");
    setDefault(handleInvalid, "error");
    setDefault(maxIter, 200);
    setDefault(tol, 1e-5);
    setDefault(smoothing, 0.01);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    try (LabelAggregation aggregation = aggregate(dataset)) {
      // A method's labels are read from the cached votes: computed, lineage cut, before those are
      // released, so that the caller's actions do not compute the EM's input again.
      Dataset<Row> labels = output(aggregation.labels());
      return aggregation.fit() == null ? labels : labels.localCheckpoint();
    }
  }

  /**
   * The labels, in the label table's columns ({@link #transform} gives them this stage's), and for
   * every method but majority the fit (annotator parameters, iterations), whose votes stay cached,
   * as blocks of images, until the aggregation is closed.
   */
  public LabelAggregation aggregate(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    ClassList classList = new ClassList(List.of(getClasses()));
    AggregationMethod aggregationMethod = AggregationMethod.parse(getMethod(), "method");
    return LabelAggregation.of(
        dataset.sparkSession(),
        LabelAggregation.imageVotes(
            votes(dataset, classList), classList, aggregationMethod.posterior()),
        classList,
        aggregationMethod,
        new EmSettings(getMaxIter(), getTol(), getSmoothing()));
  }

  /** The input as (image_id, annotator_id, class_index), invalid rows failed or dropped. */
  private Dataset<Row> votes(Dataset<?> dataset, ClassList classList) {
    Column label = col(getLabelCol());
    Column classIndex =
        isIntegral(dataset.schema().apply(getLabelCol()).dataType())
            ? LabelColumns.classIndexOfIndex(label, classList)
            : LabelColumns.classIndexOfName(label, classList);
    Column valid =
        col(LabelColumns.CLASS_INDEX)
            .isNotNull()
            .and(col(LabelColumns.IMAGE).isNotNull())
            .and(col(LabelColumns.ANNOTATOR).isNotNull());
    Dataset<Row> indexed =
        dataset.select(
            col(getImageCol()).cast(DataTypes.StringType).as(LabelColumns.IMAGE),
            col(getAnnotatorCol()).cast(DataTypes.StringType).as(LabelColumns.ANNOTATOR),
            classIndex.as(LabelColumns.CLASS_INDEX));
    if (getHandleInvalid().equals("skip")) {
      return indexed.filter(valid);
    }
    return indexed.withColumn(
        LabelColumns.CLASS_INDEX,
        when(valid, col(LabelColumns.CLASS_INDEX))
            .otherwise(
                raise_error(
                    lit(
                        "LabelAggregator: a row has a null image or annotator, or a label that is no class of "
                            + classList.names()
                            + " (set handleInvalid to skip to drop such rows)"))));
  }

  /** The label table with this stage's column names and the soft label also as a vector. */
  private Dataset<Row> output(Dataset<Row> labels) {
    return labels
        .withColumn(getVectorCol(), functions.array_to_vector(col(LabelColumns.SOFT_LABEL)))
        .withColumnRenamed(LabelColumns.SOFT_LABEL, getSoftLabelCol())
        .withColumnRenamed(LabelColumns.HARD_LABEL, getHardLabelCol())
        .withColumnRenamed(LabelColumns.IMAGE, getImageCol());
  }

  private static boolean isIntegral(DataType type) {
    return type instanceof IntegralType;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    for (String column : List.of(getImageCol(), getAnnotatorCol(), getLabelCol())) {
      if (!Arrays.asList(schema.fieldNames()).contains(column)) {
        throw new IllegalArgumentException(
            "LabelAggregator: input column '"
                + column
                + "' not found; the input has "
                + Arrays.toString(schema.fieldNames()));
      }
    }
    DataType labelType = schema.apply(getLabelCol()).dataType();
    if (!isIntegral(labelType) && !labelType.equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(
          "LabelAggregator: labelCol '"
              + getLabelCol()
              + "' must hold class names (string) or class indices (integer), not "
              + labelType.simpleString());
    }
    StructType out = new StructType();
    for (StructField field : LabelColumns.SCHEMA.fields()) {
      out = out.add(outputName(field.name()), field.dataType(), true);
    }
    for (StructField field :
        LabelAggregation.imageColumns(AggregationMethod.parse(getMethod(), "method"))) {
      out = out.add(field.name(), field.dataType(), true);
    }
    return out.add(getVectorCol(), SQLDataTypes.VectorType(), true);
  }

  /** This stage's name for a column of labels/. */
  private String outputName(String column) {
    return switch (column) {
      case LabelColumns.IMAGE -> getImageCol();
      case LabelColumns.SOFT_LABEL -> getSoftLabelCol();
      case LabelColumns.HARD_LABEL -> getHardLabelCol();
      default -> column;
    };
  }

  @Override
  public LabelAggregator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }

  public static MLReader<LabelAggregator> read() {
    return new DefaultParamsReader<>();
  }

  public static LabelAggregator load(String path) {
    return read().load(path);
  }

  // Params, their getters and setters, as Spark ML's own stages name them.

  public Param<String> imageCol() {
    return imageCol;
  }

  public Param<String> annotatorCol() {
    return annotatorCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public StringArrayParam classes() {
    return classes;
  }

  public Param<String> method() {
    return method;
  }

  public Param<String> softLabelCol() {
    return softLabelCol;
  }

  public Param<String> hardLabelCol() {
    return hardLabelCol;
  }

  public Param<String> vectorCol() {
    return vectorCol;
  }

  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public DoubleParam tol() {
    return tol;
  }

  public DoubleParam smoothing() {
    return smoothing;
  }

  public String getImageCol() {
    return $(imageCol);
  }

  public String getAnnotatorCol() {
    return $(annotatorCol);
  }

  public String getLabelCol() {
    return $(labelCol);
  }

  public String[] getClasses() {
    return $(classes);
  }

  public String getMethod() {
    return $(method);
  }

  public String getSoftLabelCol() {
    return $(softLabelCol);
  }

  public String getHardLabelCol() {
    return $(hardLabelCol);
  }

  public String getVectorCol() {
    return $(vectorCol);
  }

  public String getHandleInvalid() {
    return $(handleInvalid);
  }

  public int getMaxIter() {
    return (Integer) $(maxIter);
  }

  public double getTol() {
    return (Double) $(tol);
  }

  public double getSmoothing() {
    return (Double) $(smoothing);
  }

  public LabelAggregator setImageCol(String value) {
    set(imageCol, value);
    return this;
  }

  public LabelAggregator setAnnotatorCol(String value) {
    set(annotatorCol, value);
    return this;
  }

  public LabelAggregator setLabelCol(String value) {
    set(labelCol, value);
    return this;
  }

  public LabelAggregator setClasses(String... value) {
    set(classes, value);
    return this;
  }

  public LabelAggregator setMethod(String value) {
    set(method, value);
    return this;
  }

  public LabelAggregator setSoftLabelCol(String value) {
    set(softLabelCol, value);
    return this;
  }

  public LabelAggregator setHardLabelCol(String value) {
    set(hardLabelCol, value);
    return this;
  }

  public LabelAggregator setVectorCol(String value) {
    set(vectorCol, value);
    return this;
  }

  public LabelAggregator setHandleInvalid(String value) {
    set(handleInvalid, value);
    return this;
  }

  public LabelAggregator setMaxIter(int value) {
    set(maxIter, value);
    return this;
  }

  public LabelAggregator setTol(double value) {
    set(tol, value);
    return this;
  }

  public LabelAggregator setSmoothing(double value) {
    set(smoothing, value);
    return this;
  }
}
