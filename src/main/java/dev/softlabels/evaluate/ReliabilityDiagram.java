package dev.softlabels.evaluate;

import dev.softlabels.labels.ConfidenceBins;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Reliability diagrams as PNG: per model, the accuracy of each non-empty confidence bin against its
 * mean confidence, over the diagonal of a perfectly calibrated model. Points below the diagonal are
 * overconfident bins, points above it underconfident ones.
 */
public final class ReliabilityDiagram {

  public static final int WIDTH = 560;
  public static final int HEIGHT = 520;
  static final String DIAGONAL = "perfectly calibrated";

  /** Tableau's first categorical colours, as the t-SNE plots use; more models repeat them. */
  private static final int[] COLOURS = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b};

  private static final Color DIAGONAL_COLOUR = Color.GRAY;
  private static final Color GRID_COLOUR = new Color(0xe6e6e6);
  private static final double POINT = 8;

  private ReliabilityDiagram() {}

  /**
   * One chart of {@link #WIDTH} x {@link #HEIGHT} pixels: a series per model, in the map's order,
   * each named in the legend with its ECE.
   */
  public static byte[] png(String title, Map<String, ConfidenceBins> models) {
    try {
      return ChartUtils.encodeAsPNG(chart(title, models).createBufferedImage(WIDTH, HEIGHT));
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a reliability diagram as PNG", e);
    }
  }

  /** The colour of the model at {@code index} in the map. */
  static Color colour(int index) {
    return new Color(COLOURS[index % COLOURS.length]);
  }

  static JFreeChart chart(String title, Map<String, ConfidenceBins> models) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries diagonal = new XYSeries(DIAGONAL);
    diagonal.add(0, 0);
    diagonal.add(1, 1);
    data.addSeries(diagonal);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setSeriesPaint(0, DIAGONAL_COLOUR);
    renderer.setSeriesStroke(
        0,
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    renderer.setSeriesShapesVisible(0, false);
    int index = 0;
    for (Map.Entry<String, ConfidenceBins> model : models.entrySet()) {
      // Keyed by the legend's label, which the map's unique names keep unique.
      XYSeries series = new XYSeries(label(model.getKey(), model.getValue()));
      for (ConfidenceBins.Bin bin : model.getValue().bins()) {
        if (bin.images() > 0) {
          series.add(bin.meanConfidence(), bin.accuracy());
        }
      }
      data.addSeries(series);
      int s = data.getSeriesCount() - 1;
      renderer.setSeriesPaint(s, colour(index++));
      renderer.setSeriesStroke(s, new BasicStroke(2f));
      renderer.setSeriesShape(s, new Ellipse2D.Double(-POINT / 2, -POINT / 2, POINT, POINT));
    }
    XYPlot plot = new XYPlot(data, unitAxis("mean confidence"), unitAxis("accuracy"), renderer);
    plot.setBackgroundPaint(Color.WHITE);
    // JFreeChart's default grid (thin, dashed) all but vanishes on white at this size.
    BasicStroke grid = new BasicStroke(1f);
    plot.setDomainGridlineStroke(grid);
    plot.setRangeGridlineStroke(grid);
    plot.setDomainGridlinePaint(GRID_COLOUR);
    plot.setRangeGridlinePaint(GRID_COLOUR);
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    LegendTitle legend = chart.getLegend();
    legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    legend.setPosition(RectangleEdge.BOTTOM);
    return chart;
  }

  private static String label(String name, ConfidenceBins bins) {
    return bins.images() == 0
        ? name + " (no images)"
        : String.format(Locale.ROOT, "%s (ECE %.3f)", name, bins.ece());
  }

  private static NumberAxis unitAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setRange(0, 1);
    axis.setTickUnit(
        new NumberTickUnit(
            0.1, new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT))));
    axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    return axis;
  }
}
