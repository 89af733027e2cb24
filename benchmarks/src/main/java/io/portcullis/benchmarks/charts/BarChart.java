package io.portcullis.benchmarks.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart written as plain SVG: bars in titled groups, each with its value, an
 * optional error bar (± error) and a note (the ratio to its baseline). Baselines are drawn grey.
 * The axis turns logarithmic when the values span more than a factor 50 (a cached JWT check at
 * 1 µs beside an ES256 verify at 2 ms), so every bar stays visible.
 */
final class BarChart {
    /** One bar; {@code error} NaN when there is none. */
    record Bar(String label, double value, double error, boolean baseline, String note) {
    }

    /** Bars drawn together under a title (one parameter set, one load case). */
    record Group(String title, List<Bar> bars) {
    }

    static final String BAR_COLOR = "#3566b0";
    static final String BASELINE_COLOR = "#9a9a9a";
    private static final int WIDTH = 1060;
    private static final int LABEL_W = 250;
    private static final int PLOT_X = LABEL_W + 10;
    private static final int PLOT_W = 440;
    private static final int ROW = 20;
    private static final int GROUP_TITLE = 24;
    private static final int TOP = 62;
    private static final int BOTTOM = 44;

    private final String title;
    private final String subtitle;
    private final String unit;
    private final List<Group> groups;

    BarChart(String title, String subtitle, String unit, List<Group> groups) {
        this.title = title;
        this.subtitle = subtitle;
        this.unit = unit;
        this.groups = List.copyOf(groups);
    }

    /** The chart as a standalone SVG document. */
    String svg() {
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Group g : groups) {
            for (Bar b : g.bars()) {
                double hi = Double.isNaN(b.error()) ? b.value() : b.value() + b.error();
                max = Math.max(max, hi);
                if (b.value() > 0) {
                    min = Math.min(min, b.value());
                }
            }
        }
        boolean anyZero = groups.stream().flatMap(g -> g.bars().stream()).anyMatch(b -> b.value() <= 0);
        Scale scale = !anyZero && min < Double.MAX_VALUE && max / min > 50 ? Scale.log(min, max) : Scale.linear(max);
        int rows = groups.stream().mapToInt(g -> g.bars().size()).sum();
        int plotH = rows * ROW + groups.size() * GROUP_TITLE;
        int height = TOP + plotH + BOTTOM;
        StringBuilder s = new StringBuilder(4096);
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        text(s, 10, 22, "title", "font-size=\"16\" font-weight=\"bold\"", title);
        text(s, 10, 42, "subtitle", "fill=\"#555555\"", subtitle + " — " + unit + (scale.log ? ", log scale" : "")
                + "; grey: baseline");
        // grid and axis labels
        int axisY = TOP + plotH;
        for (double t : scale.ticks()) {
            double x = PLOT_X + scale.x(t) * PLOT_W;
            s.append("<line class=\"grid\" x1=\"").append(f(x)).append("\" y1=\"").append(TOP).append("\" x2=\"")
                    .append(f(x)).append("\" y2=\"").append(axisY).append("\" stroke=\"#e3e3e3\"/>\n");
            text(s, x, axisY + 16, "tick", "text-anchor=\"middle\" fill=\"#555555\"", tick(t));
        }
        s.append("<line x1=\"").append(PLOT_X).append("\" y1=\"").append(axisY).append("\" x2=\"").append(PLOT_X + PLOT_W)
                .append("\" y2=\"").append(axisY).append("\" stroke=\"#333333\"/>\n");
        text(s, PLOT_X + PLOT_W / 2.0, axisY + 34, "unit", "text-anchor=\"middle\"", unit);
        int y = TOP;
        for (Group g : groups) {
            text(s, 10, y + 16, "group", "font-weight=\"bold\"", g.title());
            y += GROUP_TITLE;
            for (Bar b : g.bars()) {
                double w = Math.max(0, scale.x(b.value())) * PLOT_W;
                double cy = y + ROW / 2.0;
                text(s, LABEL_W, cy + 4, "label", "text-anchor=\"end\"", b.label());
                s.append("<rect class=\"bar\" data-label=\"").append(escape(b.label())).append("\" data-value=\"")
                        .append(b.value()).append("\" x=\"").append(PLOT_X).append("\" y=\"").append(f(y + 3))
                        .append("\" width=\"").append(f(w)).append("\" height=\"").append(ROW - 6).append("\" fill=\"")
                        .append(b.baseline() ? BASELINE_COLOR : BAR_COLOR).append("\"><title>")
                        .append(escape(b.label() + ": " + number(b.value()) + " " + unit)).append("</title></rect>\n");
                if (!Double.isNaN(b.error()) && b.error() > 0) {
                    double lo = PLOT_X + Math.max(0, scale.x(b.value() - b.error())) * PLOT_W;
                    double hi = PLOT_X + Math.min(1.0, scale.x(b.value() + b.error())) * PLOT_W;
                    s.append("<path class=\"error\" d=\"M").append(f(lo)).append(' ').append(f(cy)).append(" H")
                            .append(f(hi)).append(" M").append(f(lo)).append(' ').append(f(cy - 4)).append(" V")
                            .append(f(cy + 4)).append(" M").append(f(hi)).append(' ').append(f(cy - 4)).append(" V")
                            .append(f(cy + 4)).append("\" stroke=\"#111111\" fill=\"none\"/>\n");
                }
                String value = number(b.value()) + (Double.isNaN(b.error()) ? "" : " ± " + number(b.error()));
                s.append("<text class=\"value\" x=\"").append(f(PLOT_X + PLOT_W + 8)).append("\" y=\"").append(f(cy + 4))
                        .append("\">").append(escape(value));
                if (b.note() != null) {
                    s.append("<tspan class=\"note\" dx=\"10\" fill=\"#555555\">").append(escape(b.note())).append("</tspan>");
                }
                s.append("</text>\n");
                y += ROW;
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void text(StringBuilder s, double x, double y, String cls, String attrs, String content) {
        s.append("<text class=\"").append(cls).append("\" x=\"").append(f(x)).append("\" y=\"").append(f(y)).append('"');
        if (!attrs.isEmpty()) {
            s.append(' ').append(attrs);
        }
        s.append('>').append(escape(content)).append("</text>\n");
    }

    /** A value as people read it: 3 significant digits, thousands separated. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** An axis tick: whole numbers with separators, fractions without trailing zeros. */
    static String tick(double t) {
        return t >= 1 || t == 0 ? String.format(Locale.ROOT, "%,.0f", t)
                : java.math.BigDecimal.valueOf(t).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Maps a value to [0, 1] of the plot width. */
    private static final class Scale {
        final boolean log;
        final double lo;
        final double hi;

        private Scale(boolean log, double lo, double hi) {
            this.log = log;
            this.lo = lo;
            this.hi = hi;
        }

        static Scale linear(double max) {
            double top = max <= 0 ? 1 : niceStep(max / 5) * Math.ceil(max / niceStep(max / 5));
            return new Scale(false, 0, top);
        }

        static Scale log(double min, double max) {
            return new Scale(true, Math.floor(Math.log10(min)), Math.ceil(Math.log10(max)));
        }

        double x(double v) {
            if (log) {
                return v <= 0 ? 0 : (Math.log10(v) - lo) / (hi - lo);
            }
            return v / hi;
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            if (log) {
                for (double e = lo; e <= hi; e++) {
                    out.add(Math.pow(10, e));
                }
            } else {
                double step = niceStep(hi / 5);
                for (double t = 0; t <= hi + step / 2; t += step) {
                    out.add(t);
                }
            }
            return out;
        }

        private static double niceStep(double raw) {
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            double m = raw / p;
            return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
        }
    }
}
