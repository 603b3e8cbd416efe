package dev.softlabels.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softlabels.labels.Agreement;
import dev.softlabels.spark.HadoopPaths;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.json and report.html in a folder, and the listed images' thumbnails from --images. */
class QualityReportsTest {

  @TempDir Path dir;

  private static QualityReport.Item item(String image) {
    return new QualityReport.Item(image, new int[] {1, 1}, new double[] {0.5, 0.5}, "a", "a", 1);
  }

  private static QualityReport report(List<QualityReport.Item> ambiguous) {
    return new QualityReport(
        "a test",
        List.of("a", "b"),
        "majority",
        new QualityReport.Rows(2, 2, 0, new TreeMap<>()),
        new QualityReport.Crowd(
            1,
            new TreeMap<>(Map.of(2, 1L)),
            new long[10],
            new long[10],
            1,
            new long[2],
            new long[2]),
        Agreement.empty(2).add(new int[] {1, 1}).figures(List.of("a", "b")),
        null,
        null,
        ambiguous,
        List.of(),
        null);
  }

  private void image(String name, String format, int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, Color.RED.getRGB());
    ImageIO.write(image, format, dir.resolve("images").resolve(name).toFile());
  }

  @Test
  void theListedImagesFoundInTheFolderBecomeThumbnailsAtMost64PixelsOnASide() throws Exception {
    Files.createDirectories(dir.resolve("images"));
    image("wide.png", "png", 200, 100);
    image("small.jpg", "jpg", 20, 30);
    image("unlisted.png", "png", 10, 10);
    Files.writeString(dir.resolve("images/broken.png"), "not an image");

    Map<String, byte[]> thumbnails =
        QualityReports.thumbnails(
            HadoopPaths.of(new Configuration()),
            dir.resolve("images").toString(),
            report(List.of(item("wide"), item("small"), item("missing"), item("broken"))));

    assertThat(thumbnails).containsOnlyKeys("wide", "small");
    BufferedImage wide = ImageIO.read(new ByteArrayInputStream(thumbnails.get("wide")));
    assertThat(wide.getWidth()).isEqualTo(64);
    assertThat(wide.getHeight()).isEqualTo(32);
    BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumbnails.get("small")));
    assertThat(small.getWidth()).as("never scaled up").isEqualTo(20);
    assertThat(small.getHeight()).isEqualTo(30);
  }

  @Test
  void writesTheFiguresAndThePageAndTheFiguresReadBack() throws Exception {
    QualityReport report = report(List.of(item("x|1")));
    QualityReports.write(HadoopPaths.of(new Configuration()), dir.toString(), report, "");

    QualityReport read = QualityReport.fromJson(Files.readString(dir.resolve(QualityReports.JSON)));
    assertThat(read.title()).isEqualTo("a test");
    assertThat(read.ambiguous()).extracting(QualityReport.Item::image).containsExactly("x|1");
    assertThat(Files.readString(dir.resolve(QualityReports.HTML)))
        .startsWith("<!DOCTYPE html>")
        .contains("a test");
  }
}
