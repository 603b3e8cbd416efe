package dev.softlabels.quality;

import dev.softlabels.labels.Agreement;
import dev.softlabels.report.Charts;
import dev.softlabels.report.Charts.Series;
import dev.softlabels.report.HtmlPage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The label-quality page (report.html) from a {@link QualityReport} alone: the crowd, its
 * agreement, the annotators, the method's own figures, the items worth a look and, for a relabel
 * night, the night and the trend. Every class by its name. The report's lists are bounded by
 * settings, so the page is as long at 100,000 images as at 100.
 */
public final class QualityPage {

  /** At most this many confusion matrices: a dozen tables already take a while to scroll past. */
  private static final int MATRICES = 12;

  /** A value the report lacks (a figure an older night did not keep). */
  private static final String MISSING = "—";

  /** A figure the votes do not define (one class only, no pairable image). */
  private static final String UNDEFINED = "undefined";

  // The sections' headings: their anchors are what other pages and mails link to.
  private static final String CROWD = "Crowd at a glance";
  private static final String AGREEMENT = "Agreement";
  private static final String ANNOTATORS = "Annotators";
  private static final String DIAGNOSTICS = "Method diagnostics";
  private static final String ITEMS = "Ambiguous and contested items";
  private static final String NIGHT = "The night";
  private static final String TREND = "Trend over nights";
  private static final String NEEDS = "Needs annotations";

  private static final List<String> SECTIONS =
      List.of(CROWD, AGREEMENT, ANNOTATORS, DIAGNOSTICS, ITEMS);

  private static final List<String> NIGHT_SECTIONS = List.of(NIGHT, TREND, NEEDS);

  private final QualityReport report;
  private final List<String> classes;
  private final Map<String, byte[]> thumbnails;
  private final StringBuilder md = new StringBuilder();
  private final Map<String, byte[]> images = new LinkedHashMap<>();

  private QualityPage(QualityReport report, Map<String, byte[]> thumbnails) {
    this.report = report;
    this.classes = report.classes();
    this.thumbnails = thumbnails;
  }

  /**
   * The self-contained page.
   *
   * @param thumbnails image_id to PNG or JPEG bytes, for the items listed; may be empty
   */
  public static String html(QualityReport report, Map<String, byte[]> thumbnails) {
    Page page = page(report, thumbnails);
    return HtmlPage.html("Label quality: " + report.title(), page.markdown(), page.images());
  }

  /**
   * The page's Markdown: its charts and thumbnails are linked by keys of {@link #page}'s images.
   */
  static String markdown(QualityReport report, Map<String, byte[]> thumbnails) {
    return page(report, thumbnails).markdown();
  }

  /**
   * The Markdown and the images it links (link destination to PNG or JPEG bytes).
   *
   * @param images the charts drawn and the thumbnails shown
   */
  record Page(String markdown, Map<String, byte[]> images) {}

  static Page page(QualityReport report, Map<String, byte[]> thumbnails) {
    QualityPage page = new QualityPage(report, thumbnails);
    page.write();
    return new Page(page.md.toString(), Map.copyOf(page.images));
  }

  private void write() {
    md.append("# Label quality: ").append(text(report.title())).append("\n\n");
    md.append(
            String.format(
                Locale.ROOT,
                "%s images, %d classes (%s); labels by %s.\n\n",
                count(report.crowd().images()),
                classes.size(),
                classes.stream().map(QualityPage::text).collect(Collectors.joining(", ")),
                text(report.method())))
        .append("Contents: ");
    List<String> sections = new ArrayList<>(SECTIONS);
    if (report.night() != null) {
      sections.addAll(NIGHT_SECTIONS);
    }
    md.append(
            sections.stream()
                .map(s -> "[" + s + "](#" + HtmlPage.anchor(s) + ")")
                .collect(Collectors.joining(" · ")))
        .append("\n");
    crowd();
    agreement();
    annotators();
    diagnostics();
    items();
    if (report.night() != null) {
      night(report.night());
      trend(report.night().trend());
      needsAnnotations(report.night().needsAnnotations());
    }
  }

  private void crowd() {
    QualityReport.Rows rows = report.rows();
    QualityReport.Crowd crowd = report.crowd();
    heading(2, CROWD);
    md.append(
        String.format(
            Locale.ROOT,
            "**Rows**: %s read = %s used + %s quarantined.\n\n",
            count(rows.read()),
            count(rows.used()),
            count(rows.quarantined())));
    if (!rows.quarantinedByReason().isEmpty()) {
      table(List.of("quarantined because", "rows", "share of rows read"));
      rows.quarantinedByReason()
          .forEach((reason, n) -> row(text(reason), count(n), percent(share(n, rows.read()))));
      md.append('\n');
    }
    md.append(
        String.format(
            Locale.ROOT,
            "**Images**: %s, %s of them tied (two classes or more at the highest vote count).\n\n",
            count(crowd.images()),
            count(crowd.ties())));
    chart(
        "votes per image",
        Charts.bars(
            "Votes per image",
            "votes on the image",
            "images",
            crowd.votesPerImage().keySet().stream().map(String::valueOf).toList(),
            List.of(new Series("images", List.copyOf(crowd.votesPerImage().values())))));
    chart(
        "agreement histogram",
        Charts.bars(
            "Agreement: the top class's share of an image's votes",
            "share of the votes for the top class",
            "images",
            tenths(),
            List.of(new Series("images", boxed(crowd.agreementHistogram())))));
    chart(
        "entropy histogram",
        Charts.bars(
            "Ambiguity: the normalised entropy of the soft labels",
            "normalised entropy",
            "images",
            tenths(),
            List.of(new Series("images", boxed(crowd.entropyHistogram())))));
    long votes = Arrays.stream(crowd.votesByClass()).sum();
    long labels = Arrays.stream(crowd.labelsByClass()).sum();
    String byMethod = "labels by " + report.method();
    md.append("Each class's share of the votes, and of the hard labels ")
        .append(text(report.method()))
        .append(" gives:\n\n");
    table(List.of("class", "votes", "share of votes", text(byMethod), "share of labels"));
    for (int c = 0; c < classes.size(); c++) {
      row(
          text(classes.get(c)),
          count(crowd.votesByClass()[c]),
          percent(share(crowd.votesByClass()[c], votes)),
          count(crowd.labelsByClass()[c]),
          percent(share(crowd.labelsByClass()[c], labels)));
    }
    md.append('\n');
    chart(
        "class shares",
        Charts.bars(
            "Class shares",
            "class",
            "share",
            classes,
            List.of(
                new Series("votes", shares(crowd.votesByClass(), votes)),
                new Series(byMethod, shares(crowd.labelsByClass(), labels)))));
  }

  private void agreement() {
    Agreement.Figures figures = report.agreement();
    heading(2, AGREEMENT);
    md.append("How much the votes on the same image agree, over the ")
        .append(count(figures.images()))
        .append(
            " images with two votes or more. A figure is undefined where no image has two votes or"
                + " every vote names one class.\n\n");
    table(List.of("measure", "value", "what it is"));
    row(
        "Krippendorff's alpha",
        defined(figures.krippendorffAlpha()),
        "1 − observed / expected disagreement of votes on the same image, nominal: 1 is full"
            + " agreement, 0 what chance gives (Krippendorff 2011, \"Computing Krippendorff's"
            + " Alpha-Reliability\", section C)");
    row(
        "Fleiss' kappa",
        defined(figures.fleissKappa()),
        "pair agreement beyond what the class shares give by chance, (P̄ − P_e) / (1 − P_e)"
            + " (Fleiss 1971, \"Measuring nominal scale agreement among many raters\")");
    row(
        "pair agreement",
        defined(figures.pairAgreement()),
        "the share of an image's vote pairs that agree, averaged over the images (Fleiss' P̄)");
    row(
        "pairable images",
        count(figures.images()),
        "images with two votes or more: the only ones whose votes can agree or disagree");
    md.append(
        "\nPer class: given a vote for the class, the chance that another vote on the same image"
            + " names it too.\n\n");
    table(List.of("class", "agreement"));
    figures.classAgreement().forEach((name, value) -> row(text(name), defined(value)));
  }

  private void annotators() {
    heading(2, ANNOTATORS);
    QualityReport.Annotators annotators = report.annotators();
    if (annotators == null) {
      md.append(
          "No annotator figures here: a label store keeps which annotators voted on an image, not"
              + " what each of them said. For them, run `aggregate --report` over the nights'"
              + " annotation rows.\n");
      return;
    }
    List<AnnotatorQuality> shown = annotators.shown();
    md.append(counted(annotators.count(), "annotator"));
    if (shown.size() < annotators.count()) {
      md.append(
              String.format(
                  Locale.ROOT, "; showing %d of %s", shown.size(), count(annotators.count())))
          .append(": every flagged one first, then the most active");
    }
    md.append(
        ". Each is measured against the consensus: every image's majority vote, whatever the"
            + " method, so that a method's own reading of the annotators cannot hide one.\n\n");
    Set<String> flags = new LinkedHashSet<>(annotators.rules().keySet());
    flags.addAll(annotators.flagged().keySet());
    table(List.of("flag", "annotators", "rule"));
    for (String flag : flags) {
      row(
          text(flag),
          count(annotators.flagged().getOrDefault(flag, 0L)),
          text(annotators.rules().getOrDefault(flag, MISSING)));
    }
    md.append("\nClick a column's header to sort the table by it.\n\n");
    // The method's column only where a method estimated the annotators: the majority vote has none.
    boolean methodColumn = shown.stream().anyMatch(a -> a.methodAccuracy() != null);
    List<String> header =
        new ArrayList<>(List.of("annotator", "votes", "agreement with consensus", "Cramér's V"));
    if (methodColumn) {
      header.add(text(report.method()) + " accuracy");
    }
    header.addAll(List.of("worst class", "its recall", "flags"));
    table(header);
    for (AnnotatorQuality annotator : shown) {
      List<String> cells =
          new ArrayList<>(
              List.of(
                  text(annotator.annotator()),
                  count(annotator.votes()),
                  decimal(annotator.agreement()),
                  annotator.cramersV() == null ? MISSING : decimal(annotator.cramersV())));
      if (methodColumn) {
        cells.add(annotator.methodAccuracy() == null ? "" : decimal(annotator.methodAccuracy()));
      }
      cells.addAll(
          List.of(
              annotator.worstClass() == null ? MISSING : text(annotator.worstClass()),
              annotator.worstClassRecall() == null
                  ? MISSING
                  : decimal(annotator.worstClassRecall()),
              text(String.join("; ", annotator.reasons()))));
      row(cells);
    }
    confusionMatrices(shown);
  }

  private void confusionMatrices(List<AnnotatorQuality> shown) {
    List<AnnotatorQuality> matrices =
        shown.stream()
            .sorted(Comparator.comparing(annotator -> annotator.flags().isEmpty()))
            .limit(MATRICES)
            .toList();
    if (matrices.isEmpty()) {
      return;
    }
    heading(3, "Confusion matrices");
    md.append("The votes of ")
        .append(
            matrices.size() == shown.size()
                ? "the annotators listed"
                : "the first " + matrices.size())
        .append(
            ", the flagged first: a row per class the consensus gives, a column per class the"
                + " annotator gave.\n");
    for (AnnotatorQuality annotator : matrices) {
      heading(
          4,
          text(annotator.annotator())
              + (annotator.flags().isEmpty()
                  ? ""
                  : " (" + text(String.join(", ", annotator.flags())) + ")"));
      List<String> header = new ArrayList<>(List.of("consensus ↓ / given →"));
      classes.forEach(name -> header.add(text(name)));
      table(header);
      for (int c = 0; c < classes.size(); c++) {
        List<String> cells = new ArrayList<>(List.of("**" + text(classes.get(c)) + "**"));
        Arrays.stream(annotator.confusion()[c]).forEach(n -> cells.add(count(n)));
        row(cells);
      }
    }
  }

  private void diagnostics() {
    heading(2, DIAGNOSTICS);
    QualityReport.Diagnostics diagnostics = report.diagnostics();
    if (diagnostics == null) {
      md.append(text(report.method()))
          .append(
              " fits nothing: its labels are the votes' majority, with no iterations, likelihood"
                  + " or warnings to show.\n");
      return;
    }
    md.append(text(report.method()))
        .append(" ran ")
        .append(counted(diagnostics.iterations(), "iteration"))
        .append(diagnostics.converged() ? " and converged.\n\n" : " and did not converge.\n\n");
    List<Double> likelihoods = diagnostics.logLikelihoods();
    if (!likelihoods.isEmpty()) {
      chart(
          "log-likelihood by iteration",
          Charts.lines(
              "Log-likelihood by iteration",
              "iteration",
              "log-likelihood",
              IntStream.rangeClosed(1, likelihoods.size()).mapToObj(String::valueOf).toList(),
              List.of(new Series("log-likelihood", likelihoods))));
    }
    if (diagnostics.warnings().isEmpty()) {
      md.append("No warnings.\n\n");
    } else {
      md.append("Warnings:\n\n");
      diagnostics.warnings().forEach(w -> md.append("- ").append(text(w)).append('\n'));
      md.append('\n');
    }
    md.append("Images whose label is not their majority vote: ")
        .append(count(diagnostics.changedFromMajority()));
    List<QualityReport.Item> changed = diagnostics.changed();
    if (changed.isEmpty()) {
      md.append(".\n");
      return;
    }
    md.append(changed.size() < diagnostics.changedFromMajority() ? "; some of them:\n\n" : ".\n\n");
    table(List.of("image", "votes", "majority vote → " + text(report.method())));
    for (QualityReport.Item item : changed) {
      row(
          text(item.image()),
          votes(item.counts()),
          text(item.majority()) + " → " + text(item.label()));
    }
  }

  private void items() {
    heading(2, ITEMS);
    items(
        "Ambiguous",
        "The images whose soft label has the highest entropy: the votes spread over the classes.",
        report.ambiguous());
    items(
        "Contested",
        "The images whose votes are closest: the top classes nearly tied.",
        report.contested());
  }

  private void items(String name, String what, List<QualityReport.Item> items) {
    heading(3, name);
    md.append(what).append("\n\n");
    if (items.isEmpty()) {
      md.append("None.\n");
      return;
    }
    boolean withThumbnails = items.stream().anyMatch(item -> thumbnails.containsKey(item.image()));
    List<String> header = new ArrayList<>();
    if (withThumbnails) {
      header.add("thumbnail");
    }
    header.addAll(List.of("image", "votes", "entropy", "label", "majority"));
    table(header);
    for (QualityReport.Item item : items) {
      List<String> cells = new ArrayList<>();
      if (withThumbnails) {
        cells.add(
            thumbnails.containsKey(item.image())
                ? image("thumbnail of " + item.image(), thumbnails.get(item.image()))
                : "");
      }
      cells.addAll(
          List.of(
              text(item.image()),
              votes(item.counts()),
              decimal(item.entropy()),
              text(item.label()),
              text(item.majority())));
      row(cells);
    }
    md.append('\n');
    chart(
        "soft labels of the " + name.toLowerCase(Locale.ROOT) + " images",
        Charts.stackedShares(
            "Soft labels of the " + name.toLowerCase(Locale.ROOT) + " images",
            "image",
            "share of the soft label",
            items.stream().map(QualityReport.Item::image).toList(),
            classes,
            items.stream().map(QualityReport.Item::soft).toList()));
  }

  private void night(QualityReport.NightPart night) {
    heading(2, NIGHT);
    md.append(
        String.format(
            Locale.ROOT,
            "The night of %s: %s touched, %s of them new, %s flipped (their hard label"
                + " changed).\n",
            text(night.date()),
            counted(night.imagesTouched(), "image"),
            count(night.newImages()),
            count(night.flippedImages())));
    heading(3, "Flips");
    mapTable(
        night.flips(),
        Map.of("image_id", "image", "from", "from", "to", "to", "shift_kl", "shift (KL)"),
        List.of("image_id", "from", "to", "shift_kl"));
    heading(3, "Largest shifts");
    mapTable(
        night.shifts(),
        Map.of(
            "image_id",
            "image",
            "shift_kl",
            "shift (KL)",
            "from_n",
            "votes before",
            "to_n",
            "votes after"),
        List.of("image_id", "shift_kl", "from_n", "to_n"));
  }

  private void trend(List<QualityReport.TrendPoint> trend) {
    heading(2, TREND);
    if (trend.isEmpty()) {
      md.append("No night yet.\n");
      return;
    }
    nightChart(
        "Agreement over nights",
        "agreement",
        trend,
        List.of(
            trendSeries("Krippendorff's alpha", trend, QualityReport.TrendPoint::krippendorffAlpha),
            trendSeries("Fleiss' kappa", trend, QualityReport.TrendPoint::fleissKappa),
            trendSeries("pair agreement", trend, QualityReport.TrendPoint::pairAgreement)));
    nightChart(
        "Images touched and flipped per night",
        "images",
        trend,
        List.of(
            trendSeries("touched", trend, QualityReport.TrendPoint::imagesTouched),
            trendSeries("flipped", trend, QualityReport.TrendPoint::flippedImages)));
    nightChart(
        "Images in the store after each night",
        "images",
        trend,
        List.of(trendSeries("images", trend, QualityReport.TrendPoint::images)));
    table(
        List.of(
            "night",
            "images",
            "touched",
            "flipped",
            "Krippendorff's alpha",
            "Fleiss' kappa",
            "pair agreement"));
    for (QualityReport.TrendPoint point : trend) {
      row(
          text(point.date()),
          value(point.images()),
          count(point.imagesTouched()),
          count(point.flippedImages()),
          value(point.krippendorffAlpha()),
          value(point.fleissKappa()),
          value(point.pairAgreement()));
    }
  }

  private void needsAnnotations(List<Map<String, Object>> ranking) {
    heading(2, NEEDS);
    if (ranking.isEmpty()) {
      md.append("No image needs annotations.\n");
      return;
    }
    md.append(
        "The top of the ranking the nights keep: the images one more vote is likeliest to flip,"
            + " then those with the fewest votes.\n\n");
    Set<String> columns = new LinkedHashSet<>();
    ranking.forEach(entry -> columns.addAll(entry.keySet()));
    mapTable(ranking, Map.of(), List.copyOf(columns));
  }

  /**
   * A table of maps, a column per key in {@code columns}, headed by its name in {@code names} or
   * else by the key with spaces for underscores.
   */
  private void mapTable(
      List<Map<String, Object>> entries, Map<String, String> names, List<String> columns) {
    if (entries.isEmpty()) {
      md.append("None.\n");
      return;
    }
    table(
        columns.stream().map(key -> text(names.getOrDefault(key, key.replace('_', ' ')))).toList());
    for (Map<String, Object> entry : entries) {
      row(columns.stream().map(key -> value(entry.get(key))).toList());
    }
  }

  private void nightChart(
      String title, String yAxis, List<QualityReport.TrendPoint> trend, List<Series> series) {
    List<String> nights = trend.stream().map(QualityReport.TrendPoint::date).toList();
    chart(title, Charts.lines(title, "night", yAxis, nights, series));
  }

  private static <T extends Number> Series trendSeries(
      String name,
      List<QualityReport.TrendPoint> trend,
      Function<QualityReport.TrendPoint, T> figure) {
    return new Series(name, trend.stream().map(figure).toList());
  }

  private void heading(int level, String heading) {
    md.append('\n').append("#".repeat(level)).append(' ').append(heading).append("\n\n");
  }

  private void table(List<String> header) {
    row(header);
    md.append("|---".repeat(header.size())).append("|\n");
  }

  private void row(String... cells) {
    row(List.of(cells));
  }

  private void row(List<String> cells) {
    md.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private void chart(String alt, byte[] png) {
    md.append(image(alt, png)).append("\n\n");
  }

  /** A Markdown image of {@code bytes}, linked by a key the page's images map to them. */
  private String image(String alt, byte[] bytes) {
    String key = "image-" + (images.size() + 1);
    images.put(key, bytes);
    return "![" + text(alt) + "](" + key + ")";
  }

  /** "cat 3 · dog 2": the classes with votes, by name. */
  private String votes(int[] counts) {
    return IntStream.range(0, counts.length)
        .filter(c -> counts[c] > 0)
        .mapToObj(c -> text(classes.get(c)) + " " + counts[c])
        .collect(Collectors.joining(" · "));
  }

  private static List<String> tenths() {
    return IntStream.range(0, 10)
        .mapToObj(b -> String.format(Locale.ROOT, "%.1f–%.1f", b / 10.0, (b + 1) / 10.0))
        .toList();
  }

  private static List<Long> boxed(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  private static List<Double> shares(long[] counts, long total) {
    return Arrays.stream(counts).mapToObj(n -> share(n, total)).toList();
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }

  /**
   * Text as it reads in Markdown, a table cell included: the characters that would start markup,
   * end a cell ({@code |}) or an entity are escaped, and a line break is a space.
   */
  static String text(String raw) {
    return raw.replaceAll("[\\\\`*_\\[\\]<>|~&#!]", "\\\\$0").replaceAll("\\R", " ");
  }

  /** "1 image", "2 images". */
  private static String counted(long n, String noun) {
    return count(n) + " " + (n == 1 ? noun : noun + "s");
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * share);
  }

  private static String defined(Double figure) {
    return figure == null ? UNDEFINED : decimal(figure);
  }

  /** A value of report.json's maps: whole numbers with thousands, fractions to three places. */
  private static String value(Object value) {
    if (value == null || value instanceof Double d && d.isNaN()) {
      return MISSING;
    }
    if (value instanceof Double || value instanceof Float) {
      return decimal(((Number) value).doubleValue());
    }
    if (value instanceof Number number) {
      return count(number.longValue());
    }
    if (value instanceof Collection<?> values) {
      return values.stream().map(QualityPage::value).collect(Collectors.joining(", "));
    }
    return text(value.toString());
  }
}
