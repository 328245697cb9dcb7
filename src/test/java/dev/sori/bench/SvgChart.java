package dev.sori.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the ceiling runs as a dependency-free SVG: delivery latency (p50 dotted, p99 solid,
 * log scale) and CPU per delivery (server solid, generator dashed) against offered load, one
 * colour per series.
 */
final class SvgChart {
    /** One step of a ceiling run. */
    record Point(double offered, double delivered, double p50, double p99, double p999, double serverUs,
                 double generatorUs, double generatorCpuPercent, boolean ok) {
    }

    record Series(String label, List<Point> points) {
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"};
    private static final int W = 820;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP1 = 60;
    private static final int H1 = 250;
    private static final int TOP2 = TOP1 + H1 + 70;
    private static final int H2 = 200;
    private static final int H = TOP2 + H2 + 90;

    private SvgChart() {
    }

    static String draw(String title, List<Series> series, double latencyTargetMs, double cpuTargetUs) {
        double maxX = 0;
        double minLat = Double.MAX_VALUE;
        double maxLat = 0;
        double maxUs = cpuTargetUs;
        for (Series s : series) {
            for (Point p : s.points) {
                maxX = Math.max(maxX, p.offered);
                minLat = Math.min(minLat, Math.max(p.p50, 0.01));
                maxLat = Math.max(maxLat, Math.max(p.p99, p.p999));
                maxUs = Math.max(maxUs, Math.max(p.serverUs, p.generatorUs));
            }
        }
        maxX = niceCeil(maxX * 1.05);
        double lo = Math.pow(10, Math.floor(Math.log10(Math.min(minLat, 1))));
        double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(maxLat, latencyTargetMs * 2))));
        maxUs = niceCeil(maxUs * 1.15);
        final double fMaxX = maxX;
        final double fMaxUs = maxUs;
        int plotW = W - LEFT - RIGHT;

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(sb, W / 2.0, 24, title, "middle", 15, "bold");

        // Panel 1: latency, log scale.
        java.util.function.DoubleUnaryOperator x = v -> LEFT + plotW * v / fMaxX;
        java.util.function.DoubleUnaryOperator y1 = v -> TOP1 + H1 - H1 * (Math.log10(Math.max(v, lo)) - Math.log10(lo))
                / (Math.log10(hi) - Math.log10(lo));
        text(sb, LEFT, TOP1 - 10, "delivery latency from the scheduled send time, ms (log scale): p99 solid, p50 dotted",
                "start", 12, "normal");
        frame(sb, TOP1, H1);
        for (double d = lo; d <= hi * 1.0001; d *= 10) {
            double yy = y1.applyAsDouble(d);
            gridY(sb, yy, fmt(d));
        }
        xTicks(sb, TOP1 + H1, maxX, x);
        double ty = y1.applyAsDouble(latencyTargetMs);
        sb.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" stroke-dasharray=\"6,4\"/>\n",
                LEFT, W - RIGHT, ty, ty));
        text(sb, W - RIGHT - 4, ty - 4, "p99 limit " + fmt(latencyTargetMs) + " ms", "end", 11, "normal");

        // Panel 2: CPU per delivery.
        java.util.function.DoubleUnaryOperator y2 = v -> TOP2 + H2 - H2 * v / fMaxUs;
        text(sb, LEFT, TOP2 - 10, "CPU time per delivered message, µs: server solid, generator dashed (gen = generator's CPU, % of one core)", "start", 12,
                "normal");
        frame(sb, TOP2, H2);
        double step = niceStep(maxUs / 5);
        for (double v = 0; v <= maxUs + 1e-9; v += step) {
            gridY(sb, y2.applyAsDouble(v), fmt(v));
        }
        xTicks(sb, TOP2 + H2, maxX, x);
        text(sb, LEFT + plotW / 2.0, TOP2 + H2 + 36, "offered load, deliveries per second", "middle", 12, "normal");
        double cy = y2.applyAsDouble(cpuTargetUs);
        sb.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" stroke-dasharray=\"6,4\"/>\n",
                LEFT, W - RIGHT, cy, cy));
        text(sb, W - RIGHT - 4, cy - 4, "server target " + fmt(cpuTargetUs) + " µs", "end", 11, "normal");

        // Series.
        int legendY = TOP2 + H2 + 58;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String c = COLOURS[i % COLOURS.length];
            List<Point> pts = s.points;
            polyline(sb, pts, p -> x.applyAsDouble(p.offered), p -> y1.applyAsDouble(p.p99), c, "");
            polyline(sb, pts, p -> x.applyAsDouble(p.offered), p -> y1.applyAsDouble(p.p50), c, "2,3");
            polyline(sb, pts, p -> x.applyAsDouble(p.offered), p -> y2.applyAsDouble(p.serverUs), c, "");
            polyline(sb, pts, p -> x.applyAsDouble(p.offered), p -> y2.applyAsDouble(p.generatorUs), c, "7,4");
            for (Point p : pts) {
                double px = x.applyAsDouble(p.offered);
                marker(sb, px, y1.applyAsDouble(p.p99), c, p.ok);
                marker(sb, px, y2.applyAsDouble(p.serverUs), c, p.ok);
                if (series.size() == 1) {
                    text(sb, px, y2.applyAsDouble(p.generatorUs) + 14,
                            "gen " + Math.round(p.generatorCpuPercent) + "%", "middle", 9, "normal");
                    if (p.delivered < p.offered * 0.97) { // fell behind: say what it did deliver
                        text(sb, px, y1.applyAsDouble(p.p99) - 8,
                                "delivered " + Math.round(p.delivered / 1000) + "k/s", "middle", 9, "normal");
                    }
                }
            }
            double lx = LEFT + (i % 2) * (plotW / 2.0);
            double ly = legendY + (i / 2) * 16;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                    lx, lx + 24, ly - 4, ly - 4, c));
            text(sb, lx + 30, ly, s.label, "start", 11, "normal");
        }
        text(sb, W - RIGHT, H - 8, "● step passed (p99 ≤ limit, nothing lost)   ✕ step failed", "end", 10, "normal");
        sb.append("</svg>\n");
        return sb.toString();
    }

    private interface Coord {
        double of(Point p);
    }

    private static void polyline(StringBuilder sb, List<Point> pts, Coord fx, Coord fy, String colour, String dash) {
        List<String> xy = new ArrayList<>();
        for (Point p : pts) {
            xy.add(String.format(Locale.ROOT, "%.1f,%.1f", fx.of(p), fy.of(p)));
        }
        sb.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"");
        if (!dash.isEmpty()) {
            sb.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        sb.append(" points=\"").append(String.join(" ", xy)).append("\"/>\n");
    }

    private static void marker(StringBuilder sb, double cx, double cy, String colour, boolean ok) {
        if (ok) {
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n", cx, cy,
                    colour));
        } else {
            sb.append(String.format(Locale.ROOT,
                    "<path d=\"M%.1f %.1f l8 8 m0 -8 l-8 8\" stroke=\"%s\" stroke-width=\"2\"/>\n", cx - 4, cy - 4,
                    colour));
        }
    }

    private static void frame(StringBuilder sb, int top, int height) {
        sb.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n", LEFT, top,
                W - LEFT - RIGHT, height));
    }

    private static void gridY(StringBuilder sb, double yy, String label) {
        sb.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT, W - RIGHT, yy, yy));
        text(sb, LEFT - 6, yy + 4, label, "end", 11, "normal");
    }

    private static void xTicks(StringBuilder sb, int bottom, double maxX, java.util.function.DoubleUnaryOperator x) {
        double step = niceStep(maxX / 8);
        for (double v = 0; v <= maxX + 1e-9; v += step) {
            double xx = x.applyAsDouble(v);
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n", xx, xx, bottom, bottom + 5));
            text(sb, xx, bottom + 18, v >= 1000 ? fmt(v / 1000) + "k" : fmt(v), "middle", 11, "normal");
        }
    }

    private static void text(StringBuilder sb, double x, double y, String s, String anchor, int size, String weight) {
        sb.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\">%s</text>\n", x, y,
                anchor, size, weight, s.replace("&", "&amp;").replace("<", "&lt;")));
    }

    private static String fmt(double v) {
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }

    private static double niceCeil(double v) {
        double step = niceStep(v / 5);
        return Math.ceil(v / step) * step;
    }
}
