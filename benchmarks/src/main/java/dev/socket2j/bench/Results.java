package dev.socket2j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The numbers of one run, as rows of the Markdown table: one value per transport plus a C reference. */
final class Results {
    /**
     * One measured quantity.
     *
     * @param group section of the table
     * @param name what was measured
     * @param unit its unit
     * @param higherBetter whether a larger value is better (ratios are then value ÷ value, else the inverse)
     * @param chart whether the chart shows it
     */
    record Row(String group, String name, String unit, boolean higherBetter, boolean chart,
               Map<String, Double> values, Map<String, List<Double>> samples, String[] ref) {
        Double get(String transport) { return values.get(transport); }
    }

    final Map<String, Row> rows = new LinkedHashMap<>();
    final java.util.Set<String> notes = new java.util.LinkedHashSet<>();   // rounds repeat them

    Row row(String key, String group, String name, String unit, boolean higherBetter, boolean chart) {
        return rows.computeIfAbsent(key, k -> new Row(group, name, unit, higherBetter, chart, new LinkedHashMap<>(), new LinkedHashMap<>(),
            new String[2]));
    }

    /** One round's value; the row shows the median of the rounds (the machine's noise hits single runs hard). */
    void put(String key, String transport, double v) {
        Row r = rows.get(key);
        if (r == null || Double.isNaN(v)) return;
        List<Double> all = r.samples().computeIfAbsent(transport, t -> new ArrayList<>());
        all.add(v);
        r.values().put(transport, median(all));
    }

    void ref(String key, double v, String tool) {
        Row r = rows.get(key);
        if (r == null || Double.isNaN(v)) return;
        List<Double> all = r.samples().computeIfAbsent("C", t -> new ArrayList<>());
        all.add(v);
        r.ref()[0] = Double.toString(median(all));
        r.ref()[1] = tool;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static Double refValue(Row r) { return r.ref()[0] == null ? null : Double.parseDouble(r.ref()[0]); }

    /** socket2j's advantage over {@code other}: &gt; 1 means socket2j is better, whatever the unit's direction. */
    static Double ratio(Row r, Double s2j, Double other) {
        if (s2j == null || other == null || s2j <= 0 || other <= 0) return null;
        return r.higherBetter() ? s2j / other : other / s2j;
    }

    static String fmt(Double v) {
        if (v == null) return "—";
        double a = Math.abs(v);
        if (a >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (a >= 1e4) return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmtRatio(Double v) { return v == null ? "—" : String.format(Locale.ROOT, "%.2f", v); }
}
