package dev.softlabels.train;

import static org.apache.spark.sql.functions.col;

import dev.softlabels.dataset.ImageTable;
import dev.softlabels.dataset.TrainingData;
import dev.softlabels.labels.LabelColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Distributed inference: a broadcast {@link ModelSnapshot}, one network per partition, images
 * decoded and scored in batches where they live. Nothing but the model goes out from the driver.
 */
public final class Inference {

  public static final String FEATURES = "features";

  private Inference() {}

  private static StructType schema(String column) {
    return new StructType()
        .add(LabelColumns.IMAGE, DataTypes.StringType, false)
        .add(column, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
  }

  /**
   * Predicted class distributions for rows of (image_id, image_bytes): (image_id, probabilities).
   */
  public static Dataset<Row> predict(
      SparkSession spark,
      NeuralNet network,
      Dataset<Row> images,
      TrainingData.Shape shape,
      int batchSize) {
    return activations(
        spark, network, images, shape, batchSize, NeuralNet::output, LabelColumns.PROBABILITIES);
  }

  /**
   * The global-average-pooling activations for rows of (image_id, image_bytes): (image_id,
   * features).
   */
  public static Dataset<Row> features(
      SparkSession spark,
      NeuralNet network,
      Dataset<Row> images,
      TrainingData.Shape shape,
      int batchSize) {
    network.requireFeatures();
    return activations(spark, network, images, shape, batchSize, NeuralNet::features, FEATURES);
  }

  /** Which activations of a network a run returns. */
  private interface Activations extends Serializable {
    INDArray of(NeuralNet network, INDArray input);
  }

  private static Dataset<Row> activations(
      SparkSession spark,
      NeuralNet network,
      Dataset<Row> images,
      TrainingData.Shape shape,
      int batchSize,
      Activations which,
      String column) {
    Broadcast<ModelSnapshot> model =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(ModelSnapshot.of(network));
    MapPartitionsFunction<Row, Row> score =
        rows -> {
          NeuralNet local = model.value().restore();
          List<Row> out = new ArrayList<>();
          while (rows.hasNext()) {
            List<String> ids = new ArrayList<>();
            float[] pixels = TrainingData.features(rows, ids, shape, batchSize);
            INDArray input =
                Nd4j.create(
                    pixels,
                    new long[] {ids.size(), shape.channels(), shape.height(), shape.width()},
                    DataType.FLOAT);
            double[][] values = which.of(local, input).castTo(DataType.DOUBLE).toDoubleMatrix();
            for (int i = 0; i < ids.size(); i++) {
              out.add(
                  RowFactory.create(
                      ids.get(i), Arrays.stream(values[i]).boxed().toArray(Double[]::new)));
            }
          }
          return out.iterator();
        };
    return images
        .select(col(LabelColumns.IMAGE), col(ImageTable.BYTES))
        .mapPartitions(score, Encoders.row(schema(column)));
  }
}
