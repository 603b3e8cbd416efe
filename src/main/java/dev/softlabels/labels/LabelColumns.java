package dev.softlabels.labels;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The label table contract shared by every job: the columns of annotation votes and of {@code
 * labels/} (per image the vote counts and what follows from them), its one schema, and the
 * class-index mapping. Counts are additive, so the derived columns are a function of the counts
 * alone; the jobs compute them in Java ({@link LabelRow}, {@link LabelMath}), and the built-in
 * expressions here derive them from a soft label where no counts exist (the synthetic ground
 * truth).
 */
public final class LabelColumns {

  public static final String IMAGE = "image_id";
  public static final String ANNOTATOR = "annotator_id";

  /** A vote's class as given: a class name or a 0-based class index. */
  public static final String LABEL = "label";

  /** A vote's 0-based class in the class list. */
  public static final String CLASS_INDEX = "class_index";

  /** A predicted distribution over the classes (array&lt;double&gt;), scored against soft_label. */
  public static final String PROBABILITIES = "probabilities";

  public static final String N_ANNOTATIONS = "n_annotations";
  public static final String COUNTS = "counts";
  public static final String SOFT_LABEL = "soft_label";
  public static final String HARD_LABEL = "hard_label";
  public static final String HARD_LABEL_NAME = "hard_label_name";
  public static final String IS_TIE = "is_tie";
  public static final String AGREEMENT = "agreement";
  public static final String ENTROPY = "entropy";

  /** soft_label's metadata key naming the {@link AggregationMethod} that produced it. */
  public static final String AGGREGATION = "aggregation";

  /** soft_label's metadata key listing the class names, in class-index order. */
  public static final String CLASSES = "classes";

  /** The schema of labels/, the one definition of its columns, their order and types. */
  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(IMAGE, DataTypes.StringType, false),
            DataTypes.createStructField(N_ANNOTATIONS, DataTypes.IntegerType, true),
            DataTypes.createStructField(
                COUNTS, DataTypes.createArrayType(DataTypes.IntegerType), true),
            DataTypes.createStructField(
                SOFT_LABEL, DataTypes.createArrayType(DataTypes.DoubleType), true),
            DataTypes.createStructField(HARD_LABEL, DataTypes.IntegerType, true),
            DataTypes.createStructField(HARD_LABEL_NAME, DataTypes.StringType, true),
            DataTypes.createStructField(IS_TIE, DataTypes.BooleanType, true),
            DataTypes.createStructField(AGREEMENT, DataTypes.DoubleType, true),
            DataTypes.createStructField(ENTROPY, DataTypes.DoubleType, true)
          });

  /** The columns of labels/, in order. */
  public static final List<String> COLUMNS = List.of(SCHEMA.fieldNames());

  private LabelColumns() {}

  /** The class names as an array&lt;string&gt; literal, in class-index order. */
  public static Column classNames(ClassList classes) {
    return array(classes.names().stream().map(name -> lit(name)).toArray(Column[]::new));
  }

  /** The 0-based class a class name names, or null when it names none. */
  public static Column classIndexOfName(Column name, ClassList classes) {
    Column position =
        array_position(classNames(classes), name).cast(DataTypes.IntegerType).minus(1);
    return when(position.geq(0), position);
  }

  /**
   * An integral label as a class index, or null when it is no class's index (range checked before
   * the cast).
   */
  public static Column classIndexOfIndex(Column index, ClassList classes) {
    return when(index.geq(0).and(index.lt(classes.size())), index.cast(DataTypes.IntegerType));
  }

  /**
   * Per-image vote counts (array&lt;int&gt; in class order) from usable votes with a class_index.
   */
  public static Dataset<Row> countVotes(Dataset<Row> votes, ClassList classes) {
    return votes.groupBy(col(IMAGE)).agg(counts(classes).as(COUNTS));
  }

  /**
   * The aggregate expression of {@link #countVotes}: the group's votes per class, in class order.
   */
  public static Column counts(ClassList classes) {
    Column classIndex = col(CLASS_INDEX);
    return array(
        IntStream.range(0, classes.size())
            .mapToObj(k -> count(when(classIndex.equalTo(k), lit(1))).cast(DataTypes.IntegerType))
            .toArray(Column[]::new));
  }

  /** The distribution that puts all mass on class {@code index} (0-based), as soft_label's type. */
  public static Column oneHot(Column index, int classes) {
    return array(
        IntStream.range(0, classes)
            .mapToObj(k -> when(index.equalTo(k), lit(1.0)).otherwise(lit(0.0)))
            .toArray(Column[]::new));
  }

  /**
   * 0-based index of the first maximum of an array column: values within {@link
   * LabelMath#TIE_TOLERANCE} of the largest tie with it, and ties go to the lowest class index.
   */
  public static Column argmax(Column values) {
    return array_position(transform(values, x -> tiesWithMax(x, values)), true)
        .cast(DataTypes.IntegerType)
        .minus(1);
  }

  /**
   * Whether two or more values of an array column are within {@link LabelMath#TIE_TOLERANCE} of the
   * largest.
   */
  public static Column isTie(Column values) {
    return size(filter(values, x -> tiesWithMax(x, values))).gt(1);
  }

  private static Column tiesWithMax(Column value, Column values) {
    return array_max(values).minus(value).leq(LabelMath.TIE_TOLERANCE);
  }

  /**
   * Records in soft_label's column metadata which aggregation produced it. Parquet and Delta keep
   * column metadata, so the train job can tell vote fractions from posteriors without being told.
   */
  public static Dataset<Row> withAggregation(Dataset<Row> table, AggregationMethod method) {
    return table.withMetadata(
        SOFT_LABEL, withAggregation(table.schema().apply(SOFT_LABEL).metadata(), method));
  }

  private static Metadata withAggregation(Metadata metadata, AggregationMethod method) {
    return new MetadataBuilder()
        .withMetadata(metadata)
        .putString(AGGREGATION, method.configName())
        .build();
  }

  /**
   * A label table's schema with soft_label's metadata as {@link #withAggregation} and then {@link
   * #withClasses} record it: the schema of labels/ for rows written without a Dataset.
   */
  public static StructType labelSchema(
      StructType schema, AggregationMethod method, ClassList classes) {
    StructField[] fields = schema.fields().clone();
    int softLabel = schema.fieldIndex(SOFT_LABEL);
    StructField field = fields[softLabel];
    fields[softLabel] =
        new StructField(
            field.name(),
            field.dataType(),
            field.nullable(),
            withClasses(withAggregation(field.metadata(), method), classes));
    return new StructType(fields);
  }

  /**
   * Records in soft_label's column metadata the class list its entries follow, so later jobs name
   * the classes as the table's maker did (the list may have been inferred from the data).
   */
  public static Dataset<Row> withClasses(Dataset<Row> table, ClassList classes) {
    return withClasses(table, SOFT_LABEL, classes);
  }

  /** Records the class list in {@code column}'s metadata (annotation rows: their label column). */
  public static Dataset<Row> withClasses(Dataset<Row> table, String column, ClassList classes) {
    return table.withMetadata(
        column, withClasses(table.schema().apply(column).metadata(), classes));
  }

  private static Metadata withClasses(Metadata metadata, ClassList classes) {
    return new MetadataBuilder()
        .withMetadata(metadata)
        .putStringArray(CLASSES, classes.names().toArray(String[]::new))
        .build();
  }

  /** The class list recorded by {@link #withClasses} in a label table's schema, if any. */
  public static Optional<ClassList> classes(StructType schema) {
    return classes(schema, SOFT_LABEL);
  }

  /** The class list recorded in {@code column}'s metadata, if any. */
  public static Optional<ClassList> classes(StructType schema, String column) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      return Optional.empty();
    }
    Metadata metadata = schema.apply(column).metadata();
    return metadata.contains(CLASSES)
        ? Optional.of(new ClassList(List.of(metadata.getStringArray(CLASSES))))
        : Optional.empty();
  }

  /** The aggregation recorded by {@link #withAggregation} in a label table's schema, if any. */
  public static Optional<AggregationMethod> aggregation(StructType schema) {
    if (!Arrays.asList(schema.fieldNames()).contains(SOFT_LABEL)) {
      return Optional.empty();
    }
    Metadata metadata = schema.apply(SOFT_LABEL).metadata();
    return metadata.contains(AGGREGATION)
        ? Optional.of(
            AggregationMethod.parse(
                metadata.getString(AGGREGATION), "the aggregation of " + SOFT_LABEL))
        : Optional.empty();
  }

  /**
   * Adds hard_label, hard_label_name, is_tie, agreement and entropy from soft_label, and orders the
   * columns as in labels/. Used directly for exact distributions (the synthetic ground truth),
   * whose n_annotations is 0 and counts null.
   */
  public static Dataset<Row> fromSoftLabel(Dataset<Row> labels, ClassList classes) {
    return withClasses(table(withHardLabel(labels, classes)), classes);
  }

  /** The label table's columns, in its order. */
  public static Dataset<Row> table(Dataset<Row> labels) {
    return labels.select(COLUMNS.stream().map(functions::col).toArray(Column[]::new));
  }

  private static Dataset<Row> withHardLabel(Dataset<Row> labels, ClassList classes) {
    Column p = col(SOFT_LABEL);
    Column max = array_max(p);
    Column entropy =
        aggregate(
                p,
                lit(0.0),
                (acc, x) -> acc.minus(when(x.gt(0), x.multiply(log(x))).otherwise(0.0)))
            .divide(Math.log(classes.size()));
    return labels
        .withColumn(HARD_LABEL, argmax(p))
        .withColumn(HARD_LABEL_NAME, element_at(classNames(classes), col(HARD_LABEL).plus(1)))
        .withColumn(IS_TIE, isTie(p))
        .withColumn(AGREEMENT, max)
        .withColumn(ENTROPY, entropy);
  }
}
