import dev.softlabels.ml.LabelAggregator;
import dev.softlabels.ml.SoftLabelEvaluator;
import dev.softlabels.synthetic.SyntheticClasses;
import java.io.IOException;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A user's own Spark job built from softlabels' Spark ML stages: Dawid–Skene labels for the images with at
 * least three votes (an ML Pipeline, saved for reuse), then how far the plain vote fractions are from those
 * posteriors (the evaluator). Run it against the project's jars with Java's source-file mode:
 *
 * <pre>SOFTLABELS_MAIN=examples/java/LabelPipeline.java bin/softlabels ANNOTATIONS.csv OUTPUT_DIR</pre>
 *
 * ANNOTATIONS.csv has a header and the columns image_id, annotator_id, label (class names of the
 * synthetic dataset; change CLASSES for yours). Rows with an unknown label are skipped here; the aggregate
 * job would quarantine them with a reason.
 */
public final class LabelPipeline {

  private static final String[] CLASSES = SyntheticClasses.CLASSES.names().toArray(String[]::new);

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: LabelPipeline ANNOTATIONS.csv OUTPUT_DIR");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().appName("label-pipeline").getOrCreate();
    Dataset<Row> annotations = spark.read().option("header", true).csv(args[0]);

    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new LabelAggregator().setClasses(CLASSES).setMethod("dawid-skene").setHandleInvalid("skip")
            .setSoftLabelCol("posterior").setHardLabelCol("posterior_label").setVectorCol("posterior_vector"),
        new SQLTransformer().setStatement("SELECT * FROM __THIS__ WHERE n_annotations >= 3")});
    PipelineModel model = pipeline.fit(annotations);
    Dataset<Row> posteriors = model.transform(annotations).cache();

    Dataset<Row> voteFractions = new LabelAggregator().setClasses(CLASSES).setHandleInvalid("skip")
        .transform(annotations);
    Dataset<Row> both = voteFractions.select("image_id", "soft_label", "hard_label")
        .join(posteriors.select("image_id", "posterior", "posterior_label"), "image_id");
    SoftLabelEvaluator evaluator = new SoftLabelEvaluator().setLabelCol("posterior").setProbabilityCol("soft_label");
    for (String metric : List.of("accuracy", "kl")) {
      System.out.printf("vote fractions against the Dawid-Skene posteriors, %s: %.4f%n", metric,
          evaluator.setMetricName(metric).evaluate(both));
    }
    System.out.printf("images whose majority vote and posterior argmax differ: %d of %d%n",
        both.filter("hard_label != posterior_label").count(), both.count());

    model.write().overwrite().save(args[1] + "/pipeline");
    posteriors.drop("posterior_vector").coalesce(1).write().mode("overwrite").json(args[1] + "/posteriors");
    spark.stop();
  }
}
