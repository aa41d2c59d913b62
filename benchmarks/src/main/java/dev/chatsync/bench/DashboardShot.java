package dev.chatsync.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.time.Millisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard (deploy/monitoring/grafana-dashboard.json) drawn as one PNG from a real
 * Prometheus over a time range: each time-series panel's queries are asked of Prometheus as Grafana
 * would ask them, and drawn in the dashboard's rows and order. Where no Grafana runs (this machine
 * has none), it shows what an operator's dashboard shows over a load run.
 *
 * <p>{@code bench dashboard --prometheus URL --dashboard FILE --from EPOCH_S --to EPOCH_S --out FILE.png}
 */
final class DashboardShot {

  private static final int COLUMNS = 3;
  private static final int PANEL_WIDTH = 620;
  private static final int PANEL_HEIGHT = 330;
  private static final int ROW_TITLE_HEIGHT = 34;
  private static final int HEADER_HEIGHT = 56;
  private static final Pattern LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

  private record Panel(String title, String unit, List<Target> targets) {}

  private record Target(String expr, String legend) {}

  /** A dashboard row: its title and its panels in order. */
  private record Row(String title, List<Panel> panels) {}

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();
  private final String prometheus;

  private DashboardShot(String prometheus) {
    this.prometheus = prometheus;
  }

  static void main(String[] args) throws Exception {
    String prometheus = null;
    Path dashboard = null;
    Path out = null;
    long from = 0;
    long to = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--prometheus" -> prometheus = args[i + 1];
        case "--dashboard" -> dashboard = Path.of(args[i + 1]);
        case "--from" -> from = Long.parseLong(args[i + 1]);
        case "--to" -> to = Long.parseLong(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (prometheus == null || dashboard == null || out == null || from <= 0 || to <= from) {
      throw new IllegalArgumentException("usage: dashboard --prometheus URL --dashboard FILE --from EPOCH_S --to EPOCH_S --out FILE");
    }
    new DashboardShot(prometheus).draw(dashboard, from, to, out);
  }

  private void draw(Path dashboard, long from, long to, Path out) throws Exception {
    JsonNode board = json.readTree(Files.readString(dashboard));
    List<Row> rows = rows(board);
    int height = HEADER_HEIGHT;
    for (Row row : rows) {
      height += ROW_TITLE_HEIGHT + PANEL_HEIGHT * ((row.panels().size() + COLUMNS - 1) / COLUMNS);
    }
    BufferedImage image = new BufferedImage(PANEL_WIDTH * COLUMNS, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    graphics.setColor(new Color(0xF4F5F5));
    graphics.fillRect(0, 0, image.getWidth(), height);
    graphics.setColor(Color.DARK_GRAY);
    graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
    DateTimeFormatter clock = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    graphics.drawString(board.path("title").asString() + "   " + clock.format(Instant.ofEpochSecond(from)) + " to "
        + clock.format(Instant.ofEpochSecond(to)).substring(11), 16, 36);
    int y = HEADER_HEIGHT;
    int drawn = 0;
    for (Row row : rows) {
      graphics.setColor(Color.DARK_GRAY);
      graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
      graphics.drawString(row.title(), 16, y + 24);
      y += ROW_TITLE_HEIGHT;
      for (int i = 0; i < row.panels().size(); i++) {
        JFreeChart chart = chart(row.panels().get(i), from, to);
        int x = (i % COLUMNS) * PANEL_WIDTH;
        int top = y + (i / COLUMNS) * PANEL_HEIGHT;
        graphics.drawImage(chart.createBufferedImage(PANEL_WIDTH - 10, PANEL_HEIGHT - 10), x + 5, top + 5, null);
        drawn++;
      }
      y += PANEL_HEIGHT * ((row.panels().size() + COLUMNS - 1) / COLUMNS);
    }
    graphics.dispose();
    Files.createDirectories(out.toAbsolutePath().getParent());
    ImageIO.write(image, "png", out.toFile());
    System.out.printf("dashboard: %d panels of %s over %d s drawn into %s%n", drawn, dashboard, to - from, out);
  }

  /** The dashboard's rows in order; panels before the first row go under the dashboard's title. */
  private static List<Row> rows(JsonNode board) {
    List<Row> rows = new ArrayList<>();
    Row current = new Row("", new ArrayList<>());
    for (JsonNode panel : board.path("panels")) {
      if ("row".equals(panel.path("type").asString())) {
        if (!current.panels().isEmpty()) {
          rows.add(current);
        }
        current = new Row(panel.path("title").asString(), new ArrayList<>());
      } else if ("timeseries".equals(panel.path("type").asString())) {
        List<Target> targets = new ArrayList<>();
        panel.path("targets").forEach(target -> targets.add(
            new Target(target.path("expr").asString(), target.path("legendFormat").asString(""))));
        current.panels().add(new Panel(panel.path("title").asString(),
            panel.path("fieldConfig").path("defaults").path("unit").asString(""), targets));
      }
    }
    if (!current.panels().isEmpty()) {
      rows.add(current);
    }
    return rows;
  }

  private JFreeChart chart(Panel panel, long from, long to) throws Exception {
    TimeSeriesCollection lines = new TimeSeriesCollection();
    long step = Math.max(2, (to - from) / 300);
    for (Target target : panel.targets()) {
      JsonNode answer = json.readTree(http.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query_range?query="
              + URLEncoder.encode(target.expr(), StandardCharsets.UTF_8) + "&start=" + from + "&end=" + to + "&step=" + step))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      if (!"success".equals(answer.path("status").asString())) {
        throw new IllegalStateException("Prometheus refused " + target.expr() + ": " + answer.path("error").asString());
      }
      for (JsonNode result : answer.path("data").path("result")) {
        TimeSeries line = new TimeSeries(legend(target, result.path("metric")));
        for (JsonNode point : result.path("values")) {
          double value = Double.parseDouble(point.get(1).asString());
          if (Double.isFinite(value)) {
            line.addOrUpdate(new Millisecond(java.util.Date.from(Instant.ofEpochMilli((long) (point.get(0).asDouble() * 1000)))),
                value);
          }
        }
        if (!line.isEmpty()) {
          lines.addSeries(line);
        }
      }
    }
    String title = panel.title() + (panel.unit().isEmpty() ? "" : " (" + panel.unit() + ")");
    JFreeChart chart = ChartFactory.createTimeSeriesChart(title, null, null, lines, true, false, false);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xDDDDDD));
    plot.setRangeGridlinePaint(new Color(0xDDDDDD));
    ((DateAxis) plot.getDomainAxis()).setDateFormatOverride(new java.text.SimpleDateFormat("HH:mm:ss"));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < lines.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    if (lines.getSeriesCount() == 0) {
      chart.addSubtitle(new org.jfree.chart.title.TextTitle("no data (nothing of this kind happened)"));
    }
    return chart;
  }

  /** Grafana's legend: {{label}} replaced by the series' label value; the query itself when none is given. */
  private static String legend(Target target, JsonNode labels) {
    if (target.legend().isBlank()) {
      return labels.isEmpty() ? target.expr() : labels.toString();
    }
    Matcher label = LABEL.matcher(target.legend());
    StringBuilder legend = new StringBuilder();
    while (label.find()) {
      label.appendReplacement(legend, Matcher.quoteReplacement(labels.path(label.group(1)).asString("")));
    }
    return label.appendTail(legend).toString();
  }
}
