package dev.softlabels.quality;

import dev.softlabels.spark.HadoopPaths;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a quality report into a folder: report.json, and report.html with its thumbnails. */
public final class QualityReports {

  public static final String HTML = "report.html";
  public static final String JSON = "report.json";

  /** annotator-quality/: the whole annotator table ({@link AnnotatorTable#SCHEMA}). */
  public static final String ANNOTATORS = "annotator-quality";

  static final int THUMBNAIL = 64;
  private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg");
  private static final Logger LOG = LoggerFactory.getLogger(QualityReports.class);

  private QualityReports() {}

  /**
   * Writes {@code report} into {@code directory}.
   *
   * @param images a folder of IMAGE_ID.png, .jpg or .jpeg for the listed images' thumbnails; blank
   *     for none
   */
  public static void write(
      HadoopPaths paths, String directory, QualityReport report, String images) {
    paths.writeText(HadoopPaths.child(directory, JSON), report.toJson());
    paths.writeText(
        HadoopPaths.child(directory, HTML),
        QualityPage.html(report, images.isBlank() ? Map.of() : thumbnails(paths, images, report)));
  }

  /** The listed images' thumbnails, by image id; an image not in the folder has none. */
  static Map<String, byte[]> thumbnails(HadoopPaths paths, String folder, QualityReport report) {
    Map<String, byte[]> thumbnails = new LinkedHashMap<>();
    Stream.of(report.ambiguous(), report.contested(), changed(report))
        .flatMap(List::stream)
        .map(QualityReport.Item::image)
        .distinct()
        .forEach(
            image ->
                file(paths, folder, image)
                    .map(path -> thumbnail(paths.readBytes(path)))
                    .ifPresent(png -> thumbnails.put(image, png)));
    LOG.info("report: thumbnails of {} listed images found in {}", thumbnails.size(), folder);
    return thumbnails;
  }

  private static List<QualityReport.Item> changed(QualityReport report) {
    return report.diagnostics() == null ? List.of() : report.diagnostics().changed();
  }

  private static Optional<String> file(HadoopPaths paths, String folder, String image) {
    return IMAGE_EXTENSIONS.stream()
        .map(extension -> HadoopPaths.child(folder, image + extension))
        .filter(paths::exists)
        .findFirst();
  }

  /** The image scaled to fit a {@link #THUMBNAIL}-pixel square, as PNG; null when unreadable. */
  private static byte[] thumbnail(byte[] bytes) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      if (image == null) {
        return null;
      }
      double scale =
          Math.min(1.0, (double) THUMBNAIL / Math.max(image.getWidth(), image.getHeight()));
      int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
      int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
      BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D graphics = small.createGraphics();
      graphics.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      graphics.drawImage(image, 0, 0, width, height, null);
      graphics.dispose();
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(small, "png", png);
      return png.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
