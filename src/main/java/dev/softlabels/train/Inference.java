package dev.softlabels.train;

import static org.apache.spark.sql.functions.col;

import dev.softlabels.annotations.AnnotationReader;
import java.util.ArrayList;
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
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Distributed inference: a broadcast {@link ModelSnapshot}, one network per partition, images
 * decoded and scored in batches where they live. Nothing but the model goes out from the driver.
 */
public final class Inference {

  public static final String PROBABILITIES = "probabilities";

  private Inference() {}

  public static StructType schema() {
    return new StructType()
        .add(AnnotationReader.IMAGE, DataTypes.StringType, false)
        .add(PROBABILITIES, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
  }

  /** Predicted class distributions for rows of (image_id, image_bytes). */
  public static Dataset<Row> predict(SparkSession spark, MultiLayerNetwork network, Dataset<Row> images,
      TrainingData.Shape shape, int batchSize) {
    Broadcast<ModelSnapshot> model = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(ModelSnapshot.of(network));
    MapPartitionsFunction<Row, Row> score = rows -> {
      MultiLayerNetwork local = model.value().restore();
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        List<String> ids = new ArrayList<>();
        float[] features = TrainingData.features(rows, ids, shape, batchSize);
        INDArray input = Nd4j.create(features,
            new long[] {ids.size(), shape.channels(), shape.height(), shape.width()}, DataType.FLOAT);
        double[][] probabilities = local.output(input, false).castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int i = 0; i < ids.size(); i++) {
          out.add(RowFactory.create(ids.get(i), java.util.Arrays.stream(probabilities[i]).boxed().toArray(Double[]::new)));
        }
      }
      return out.iterator();
    };
    return images.select(col(AnnotationReader.IMAGE), col(ImageTable.BYTES))
        .mapPartitions(score, Encoders.row(schema()));
  }
}
