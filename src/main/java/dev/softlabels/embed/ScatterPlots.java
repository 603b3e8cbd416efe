package dev.softlabels.embed;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.data.Range;
import org.jfree.data.xy.DefaultXYDataset;

/**
 * Side-by-side scatter plots (one panel per model) of 2-D embeddings with a colour per point, as
 * PNG: JFreeChart draws each panel, the titles and the legend into one image.
 */
public final class ScatterPlots {

  static final int HEADER = 40;
  static final int FOOTER = 64;
  private static final int LEGEND = 28;
  private static final double POINT = 5;

  /** One panel: a title and points with their colours. */
  public record Panel(String title, double[][] points, Color[] colours) {
    public Panel {
      if (points.length != colours.length) {
        throw new IllegalArgumentException(
            points.length + " points but " + colours.length + " colours");
      }
    }
  }

  private ScatterPlots() {}

  /**
   * A PNG of the panels side by side, {@code panelWidth * panels} wide, under a title, over a
   * legend (name to colour, in order) and a caption.
   */
  public static byte[] png(
      String title,
      String caption,
      Map<String, Color> legend,
      List<Panel> panels,
      int panelWidth,
      int panelHeight) {
    BufferedImage image =
        new BufferedImage(
            panelWidth * panels.size(), HEADER + panelHeight + FOOTER, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      text(g, title, Font.BOLD, 16, new Rectangle2D.Double(0, 0, image.getWidth(), HEADER));
      for (int i = 0; i < panels.size(); i++) {
        chart(panels.get(i))
            .draw(g, new Rectangle2D.Double(i * panelWidth, HEADER, panelWidth, panelHeight));
      }
      legend(g, legend, new Rectangle2D.Double(0, HEADER + panelHeight, image.getWidth(), LEGEND));
      text(
          g,
          caption,
          Font.PLAIN,
          12,
          new Rectangle2D.Double(
              0, HEADER + panelHeight + LEGEND, image.getWidth(), FOOTER - LEGEND));
    } finally {
      g.dispose();
    }
    try {
      return ChartUtils.encodeAsPNG(image);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a plot as PNG", e);
    }
  }

  /** A centred line (wrapped if it must be) in {@code area}. */
  private static void text(Graphics2D g, String text, int style, int size, Rectangle2D area) {
    TextTitle title = new TextTitle(text, new Font(Font.SANS_SERIF, style, size));
    // A title lays out its text when arranged; drawn without that it draws nothing.
    title.arrange(
        g, new RectangleConstraint(new Range(0, area.getWidth()), new Range(0, area.getHeight())));
    title.draw(g, area);
  }

  private static void legend(Graphics2D g, Map<String, Color> entries, Rectangle2D area) {
    LegendItemCollection items = new LegendItemCollection();
    entries.forEach(
        (name, colour) ->
            items.add(
                new LegendItem(
                    name, null, null, null, new Ellipse2D.Double(-4, -4, 8, 8), colour)));
    LegendTitle legend = new LegendTitle(() -> items);
    legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    legend.setHorizontalAlignment(HorizontalAlignment.CENTER);
    legend.arrange(
        g, new RectangleConstraint(new Range(0, area.getWidth()), new Range(0, area.getHeight())));
    legend.draw(g, area);
  }

  private static JFreeChart chart(Panel panel) {
    DefaultXYDataset data = new DefaultXYDataset();
    double[][] series = new double[2][panel.points().length];
    for (int i = 0; i < panel.points().length; i++) {
      series[0][i] = panel.points()[i][0];
      series[1][i] = panel.points()[i][1];
    }
    data.addSeries(panel.title(), series);
    XYLineAndShapeRenderer renderer =
        new XYLineAndShapeRenderer(false, true) {
          @Override
          public Paint getItemPaint(int row, int column) {
            return panel.colours()[column];
          }
        };
    renderer.setSeriesShape(0, new Ellipse2D.Double(-POINT / 2, -POINT / 2, POINT, POINT));
    renderer.setUseOutlinePaint(false);
    XYPlot plot = new XYPlot(data, axis(), axis(), renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlineStroke(new BasicStroke(1f));
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    JFreeChart chart =
        new JFreeChart(panel.title(), new Font(Font.SANS_SERIF, Font.PLAIN, 14), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** t-SNE coordinates have no units: an axis without ticks or labels, fitted to the data. */
  private static NumberAxis axis() {
    NumberAxis axis = new NumberAxis();
    axis.setTickLabelsVisible(false);
    axis.setTickMarksVisible(false);
    axis.setAutoRangeIncludesZero(false);
    return axis;
  }
}
