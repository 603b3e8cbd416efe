package dev.softlabels.train;

import static org.apache.spark.sql.functions.col;

import dev.softlabels.config.UserError;
import dev.softlabels.labels.LabelColumns;
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
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Distributed inference: a broadcast {@link ModelSnapshot}, one network per partition, images
 * decoded and scored in batches where they live. Nothing but the model goes out from the driver.
 */
public final class Inference {

  public static final String FEATURES = "features";

  /** Which activations of the network a run returns. */
  private enum Activations {
    /** The softmax output: the predicted class distribution. */
    OUTPUT {
      @Override
      INDArray of(MultiLayerNetwork network, INDArray input) {
        return network.output(input, false);
      }
    },
    /** The global-average-pooling layer {@link Networks#FEATURES}: the image's feature vector. */
    POOLED_FEATURES {
      @Override
      INDArray of(MultiLayerNetwork network, INDArray input) {
        int layer = featureLayerIndex(network);
        // feedForwardToLayer returns the input first, then each layer's activations.
        return network.feedForwardToLayer(layer, input, false).get(layer + 1);
      }
    };

    abstract INDArray of(MultiLayerNetwork network, INDArray input);
  }

  private Inference() {}

  private static StructType schema(String column) {
    return new StructType()
        .add(LabelColumns.IMAGE, DataTypes.StringType, false)
        .add(column, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
  }

  /** Predicted class distributions for rows of (image_id, image_bytes): (image_id, probabilities). */
  public static Dataset<Row> predict(SparkSession spark, MultiLayerNetwork network, Dataset<Row> images,
      TrainingData.Shape shape, int batchSize) {
    return activations(spark, network, images, shape, batchSize, Activations.OUTPUT, LabelColumns.PROBABILITIES);
  }

  /** The global-average-pooling activations for rows of (image_id, image_bytes): (image_id, features). */
  public static Dataset<Row> features(SparkSession spark, MultiLayerNetwork network, Dataset<Row> images,
      TrainingData.Shape shape, int batchSize) {
    featureLayerIndex(network);
    return activations(spark, network, images, shape, batchSize, Activations.POOLED_FEATURES, FEATURES);
  }

  static int featureLayerIndex(MultiLayerNetwork network) {
    Layer[] layers = network.getLayers();
    for (int i = 0; i < layers.length; i++) {
      if (Networks.FEATURES.equals(layers[i].conf().getLayer().getLayerName())) {
        return i;
      }
    }
    throw new UserError("the model has no layer named '" + Networks.FEATURES
        + "' (the global-average-pooling layer the train job's networks have)");
  }

  private static Dataset<Row> activations(SparkSession spark, MultiLayerNetwork network, Dataset<Row> images,
      TrainingData.Shape shape, int batchSize, Activations which, String column) {
    Broadcast<ModelSnapshot> model = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(ModelSnapshot.of(network));
    MapPartitionsFunction<Row, Row> score = rows -> {
      MultiLayerNetwork local = model.value().restore();
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        List<String> ids = new ArrayList<>();
        float[] pixels = TrainingData.features(rows, ids, shape, batchSize);
        INDArray input = Nd4j.create(pixels,
            new long[] {ids.size(), shape.channels(), shape.height(), shape.width()}, DataType.FLOAT);
        double[][] values = which.of(local, input).castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int i = 0; i < ids.size(); i++) {
          out.add(RowFactory.create(ids.get(i), Arrays.stream(values[i]).boxed().toArray(Double[]::new)));
        }
      }
      return out.iterator();
    };
    return images.select(col(LabelColumns.IMAGE), col(ImageTable.BYTES))
        .mapPartitions(score, Encoders.row(schema(column)));
  }
}
