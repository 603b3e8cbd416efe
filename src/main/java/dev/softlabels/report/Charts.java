package dev.softlabels.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.AbstractRenderer;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Bar, line and stacked-share charts as PNG, in one look (white ground, light grid, legend below,
 * Tableau's categorical colours): a page's charts read as one set.
 */
public final class Charts {

  public static final int WIDTH = 720;
  public static final int HEIGHT = 360;

  /** A stacked-share chart grows by this much per row, so a row's bar stays readable. */
  static final int ROW_HEIGHT = 24;

  /** Tableau's ten categorical colours; the eleventh series or class repeats the first. */
  private static final int[] COLOURS = {
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22,
    0x17becf
  };

  /** More categories than this and their labels turn, or they would overlap. */
  private static final int UPRIGHT_CATEGORIES = 12;

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Color GRID_COLOUR = new Color(0xe6e6e6);
  private static final double POINT = 6;

  private Charts() {}

  /**
   * One named series, a value per category or x label, in their order.
   *
   * @param values null where the series has no value: no bar, a gap in a line
   */
  public record Series(String name, List<? extends Number> values) {}

  /** The colour of the series or class at {@code index}. */
  public static Color colour(int index) {
    return new Color(COLOURS[index % COLOURS.length]);
  }

  /** Vertical bars: a group per category, a bar in each for each series, side by side. */
  public static byte[] bars(
      String title,
      String categoryAxis,
      String valueAxis,
      List<String> categories,
      List<Series> series) {
    BarRenderer renderer = new BarRenderer();
    renderer.setItemMargin(0.05);
    CategoryPlot plot =
        new CategoryPlot(
            dataset(categories, series),
            categoryAxis(categoryAxis, categories.size()),
            valueAxis(valueAxis),
            flat(renderer));
    colourSeries(renderer, series.size());
    return png(chart(title, plot, series.size() > 1), HEIGHT);
  }

  /**
   * Lines over x labels, a point at each value and a gap where a value is null. The x axis labels
   * as many of them as fit, so a long run (iterations, nights) stays readable.
   */
  public static byte[] lines(
      String title, String xAxis, String yAxis, List<String> xLabels, List<Series> series) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int s = 0; s < series.size(); s++) {
      XYSeries line = new XYSeries(series.get(s).name(), false, true);
      List<? extends Number> values = series.get(s).values();
      for (int x = 0; x < values.size(); x++) {
        line.add(x, values.get(x));
      }
      data.addSeries(line);
      renderer.setSeriesStroke(s, new BasicStroke(2f));
      renderer.setSeriesShape(s, new Ellipse2D.Double(-POINT / 2, -POINT / 2, POINT, POINT));
    }
    NumberAxis x = new NumberAxis(xAxis);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setNumberFormatOverride(new LabelAt(xLabels));
    x.setRange(-0.5, Math.max(xLabels.size() - 0.5, 0.5));
    style(x);
    NumberAxis y = valueAxis(yAxis);
    y.setAutoRangeIncludesZero(false);
    colourSeries(renderer, series.size());
    XYPlot plot = new XYPlot(data, x, y, renderer);
    return png(chart(title, plot, series.size() > 1), HEIGHT);
  }

  /**
   * Horizontal bars from 0 to 1, one per row, split into each class's share in class order: class c
   * has {@link #colour}(c) on every such chart, whatever the rows.
   *
   * @param shares per row, a share per class
   */
  public static byte[] stackedShares(
      String title,
      String rowAxis,
      String shareAxis,
      List<String> rows,
      List<String> classes,
      List<double[]> shares) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < classes.size(); c++) {
        data.addValue(shares.get(r)[c], classes.get(c), rows.get(r));
      }
    }
    StackedBarRenderer renderer = new StackedBarRenderer();
    NumberAxis share = valueAxis(shareAxis);
    share.setRange(0, 1);
    share.setTickUnit(new NumberTickUnit(0.1, decimals("0.0")));
    CategoryPlot plot = new CategoryPlot(data, categoryAxis(rowAxis, 0), share, flat(renderer));
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
    colourSeries(renderer, classes.size());
    return png(chart(title, plot, true), HEIGHT / 2 + ROW_HEIGHT * rows.size());
  }

  private static DefaultCategoryDataset dataset(List<String> categories, List<Series> series) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Series one : series) {
      for (int c = 0; c < categories.size(); c++) {
        data.addValue(one.values().get(c), one.name(), categories.get(c));
      }
    }
    return data;
  }

  /** Plain bars: JFreeChart's default gradient and shadow make colours hard to compare. */
  private static BarRenderer flat(BarRenderer renderer) {
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setDrawBarOutline(false);
    return renderer;
  }

  private static CategoryAxis categoryAxis(String label, int categories) {
    CategoryAxis axis = new CategoryAxis(label);
    axis.setLabelFont(LABEL_FONT);
    axis.setTickLabelFont(TICK_FONT);
    axis.setCategoryMargin(0.15);
    if (categories > UPRIGHT_CATEGORIES) {
      axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    return axis;
  }

  private static NumberAxis valueAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setNumberFormatOverride(decimals("#,##0.###"));
    style(axis);
    return axis;
  }

  private static void style(ValueAxis axis) {
    axis.setLabelFont(LABEL_FONT);
    axis.setTickLabelFont(TICK_FONT);
  }

  private static void colourSeries(AbstractRenderer renderer, int series) {
    for (int s = 0; s < series; s++) {
      renderer.setSeriesPaint(s, colour(s));
    }
  }

  private static JFreeChart chart(String title, Plot plot, boolean legend) {
    plot.setBackgroundPaint(Color.WHITE);
    // JFreeChart's default grid (thin, dashed) all but vanishes on white.
    BasicStroke grid = new BasicStroke(1f);
    if (plot instanceof CategoryPlot categories) {
      categories.setRangeGridlineStroke(grid);
      categories.setRangeGridlinePaint(GRID_COLOUR);
    } else {
      XYPlot xy = (XYPlot) plot;
      xy.setDomainGridlineStroke(grid);
      xy.setDomainGridlinePaint(GRID_COLOUR);
      xy.setRangeGridlineStroke(grid);
      xy.setRangeGridlinePaint(GRID_COLOUR);
    }
    JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, legend);
    chart.setBackgroundPaint(Color.WHITE);
    if (legend) {
      LegendTitle legendTitle = chart.getLegend();
      legendTitle.setItemFont(LABEL_FONT);
      legendTitle.setPosition(RectangleEdge.BOTTOM);
    }
    return chart;
  }

  private static byte[] png(JFreeChart chart, int height) {
    try {
      return ChartUtils.encodeAsPNG(chart.createBufferedImage(WIDTH, height));
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a chart as PNG", e);
    }
  }

  private static DecimalFormat decimals(String pattern) {
    return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
  }

  /**
   * Writes tick i as the i-th x label. The axis asks it for its range's ends too, to size the
   * labels before it spaces the ticks: those get the nearest label.
   */
  private static final class LabelAt extends NumberFormat {

    private final List<String> labels;

    LabelAt(List<String> labels) {
      this.labels = labels;
    }

    @Override
    public StringBuffer format(double number, StringBuffer to, FieldPosition position) {
      if (labels.isEmpty()) {
        return to;
      }
      long nearest = Math.max(0, Math.min(labels.size() - 1, Math.round(number)));
      return to.append(labels.get((int) nearest));
    }

    @Override
    public StringBuffer format(long number, StringBuffer to, FieldPosition position) {
      return format((double) number, to, position);
    }

    @Override
    public Number parse(String source, ParsePosition position) {
      throw new UnsupportedOperationException("tick labels are only written");
    }
  }
}
