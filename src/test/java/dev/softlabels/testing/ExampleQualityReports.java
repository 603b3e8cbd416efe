package dev.softlabels.testing;

import dev.softlabels.labels.Agreement;
import dev.softlabels.quality.AnnotatorFlag;
import dev.softlabels.quality.AnnotatorQuality;
import dev.softlabels.quality.QualityReport;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * A label-quality report built by hand, for the page's tests: three classes, five annotators of
 * whom two are listed (one a spammer), a fitted method, and a relabel night whose three-night trend
 * lacks one night's alpha.
 */
public final class ExampleQualityReports {

  public static final List<String> CLASSES = List.of("cat", "dog", "bird");

  /** The ambiguous image with a thumbnail. */
  public static final String WITH_THUMBNAIL = "img-1";

  /** An image id with a pipe, which would split a Markdown table's cell. */
  public static final String WITH_PIPE = "img|7";

  public static final String SPAMMER = "ann-spam";

  public static final String NIGHT_WITHOUT_ALPHA = "2026-03-02";

  private ExampleQualityReports() {}

  /** The report of a relabel night. */
  public static QualityReport night() {
    return withNight(nightPart());
  }

  /** The report of an aggregate run: no night. */
  public static QualityReport aggregate() {
    return withNight(null);
  }

  /** A thumbnail for {@link #WITH_THUMBNAIL}: a grey JPEG, so it adds no saturated pixels. */
  public static Map<String, byte[]> thumbnails() {
    BufferedImage image = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(Color.LIGHT_GRAY);
    graphics.fillRect(0, 0, 48, 48);
    graphics.setColor(Color.DARK_GRAY);
    graphics.fillOval(8, 8, 32, 32);
    graphics.dispose();
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpeg", jpeg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(WITH_THUMBNAIL, jpeg.toByteArray());
  }

  private static QualityReport withNight(QualityReport.NightPart night) {
    List<int[]> votes =
        List.of(new int[] {3, 1, 0}, new int[] {1, 2, 0}, new int[] {2, 2, 0}, new int[] {1, 0, 0});
    Agreement agreement = Agreement.empty(CLASSES.size());
    votes.forEach(agreement::add);
    AnnotatorQuality spammer =
        AnnotatorQuality.of(SPAMMER, new long[][] {{4, 3, 3}, {3, 4, 3}, {3, 3, 4}}, 0.35, CLASSES);
    AnnotatorQuality careful =
        AnnotatorQuality.of(
            "ann-careful", new long[][] {{20, 1, 0}, {1, 15, 1}, {0, 2, 10}}, null, CLASSES);
    Map<String, String> rules = new LinkedHashMap<>();
    Map<String, Long> flagged = new LinkedHashMap<>();
    for (AnnotatorFlag flag : AnnotatorFlag.values()) {
      rules.put(flag.code(), flag.rule());
      flagged.put(flag.code(), flag == AnnotatorFlag.SPAMMER ? 1L : 0L);
    }
    QualityReport.Item changed =
        new QualityReport.Item(
            "img-4", new int[] {1, 2, 0}, new double[] {0.6, 0.4, 0}, "cat", "dog", 0.61);
    return new QualityReport(
        "annotations.csv",
        CLASSES,
        "dawid-skene",
        new QualityReport.Rows(
            1_210, 1_200, 10, new TreeMap<>(Map.of("unknown class", 7L, "blank image id", 3L))),
        new QualityReport.Crowd(
            300,
            new TreeMap<>(Map.of(1, 20L, 3, 200L, 5, 80L)),
            new long[] {0, 0, 0, 12, 30, 50, 60, 48, 40, 60},
            new long[] {90, 40, 30, 30, 25, 25, 20, 15, 15, 10},
            14,
            new long[] {500, 400, 300},
            new long[] {130, 100, 70}),
        agreement.figures(CLASSES),
        new QualityReport.Annotators(5, flagged, rules, List.of(spammer, careful)),
        new QualityReport.Diagnostics(
            12,
            true,
            List.of(-410.5, -380.25, -377.0, -376.9),
            List.of("2 annotators have fewer than 20 votes"),
            3,
            List.of(changed)),
        List.of(
            new QualityReport.Item(
                WITH_THUMBNAIL,
                new int[] {1, 1, 1},
                new double[] {0.34, 0.33, 0.33},
                "cat",
                "cat",
                1.0),
            new QualityReport.Item(
                WITH_PIPE, new int[] {2, 1, 2}, new double[] {0.4, 0.2, 0.4}, "bird", "cat", 0.96)),
        List.of(
            new QualityReport.Item(
                "img-9", new int[] {3, 2, 0}, new double[] {0.6, 0.4, 0}, "cat", "cat", 0.61)),
        night);
  }

  private static QualityReport.NightPart nightPart() {
    return new QualityReport.NightPart(
        "2026-03-03",
        120,
        20,
        4,
        List.of(entry("image_id", "img-2", "from", "cat", "to", "dog", "shift_kl", 0.4213)),
        List.of(entry("image_id", "img-3", "shift_kl", 0.2, "from_n", 3, "to_n", 5)),
        List.of(
            entry(
                "image_id",
                "img-5",
                "n_annotations",
                2,
                "hard_label_name",
                "dog",
                "agreement",
                0.5,
                "flip_probability",
                0.5)),
        List.of(
            new QualityReport.TrendPoint("2026-03-01", null, 300, 0, 0.41, 0.40, 0.70),
            new QualityReport.TrendPoint(NIGHT_WITHOUT_ALPHA, 320L, 40, 2, null, 0.42, 0.71),
            new QualityReport.TrendPoint("2026-03-03", 340L, 120, 4, 0.45, 0.44, 0.72)));
  }

  private static Map<String, Object> entry(Object... keysAndValues) {
    Map<String, Object> entry = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      entry.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return entry;
  }
}
