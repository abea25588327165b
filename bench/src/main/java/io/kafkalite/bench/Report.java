package io.kafkalite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results: one row per figure, Kafkalite beside the real broker, printed as a table and written as JSON. */
final class Report {

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    void failure(String description) {
        failures.add(description);
    }

    List<String> failures() {
        return failures;
    }

    void add(String figure, String unit, String broker, Samples samples) {
        if (samples.isEmpty()) {
            return;
        }
        rows.computeIfAbsent(figure, f -> new Row(f, unit)).samples.put(broker, samples);
    }

    void add(String figure, String unit, String broker, double value) {
        Samples samples = new Samples();
        samples.add(value);
        add(figure, unit, broker, samples);
    }

    String table() {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"figure", "unit", "kafkalite median [min-max]", "real kafka median [min-max]", "ratio"});
        for (Row row : rows.values()) {
            Samples lite = row.samples.get(KafkaliteTarget.NAME);
            Samples kafka = row.samples.get(RealKafkaTarget.NAME);
            String ratio = lite != null && kafka != null && kafka.median() != 0
                    ? String.format(Locale.ROOT, "%.2f", lite.median() / kafka.median()) : "";
            lines.add(new String[] {row.figure, row.unit, cell(lite), cell(kafka), ratio});
        }
        int[] widths = new int[5];
        for (String[] line : lines) {
            for (int i = 0; i < 5; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int l = 0; l < lines.size(); l++) {
            String[] line = lines.get(l);
            out.append("| ");
            for (int i = 0; i < 5; i++) {
                out.append(String.format("%-" + widths[i] + "s | ", line[i]));
            }
            out.setLength(out.length() - 1);
            out.append('\n');
            if (l == 0) {
                out.append('|');
                for (int w : widths) {
                    out.append("-".repeat(w + 2)).append('|');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String cell(Samples samples) {
        if (samples == null) {
            return "-";
        }
        if (samples.size() == 1) {
            return format(samples.median());
        }
        return format(samples.median()) + " [" + format(samples.min()) + "-" + format(samples.max()) + "]";
    }

    private static String format(double value) {
        double abs = Math.abs(value);
        String pattern = abs >= 1000 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }

    void writeJson(Path file, Map<String, String> machine) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"machine\": {");
        machine.forEach((k, v) -> json.append("\"").append(k).append("\": \"").append(v.replace("\"", "'")).append("\", "));
        if (!machine.isEmpty()) {
            json.setLength(json.length() - 2);
        }
        json.append("},\n  \"figures\": [\n");
        for (Row row : rows.values()) {
            json.append("    {\"figure\": \"").append(row.figure).append("\", \"unit\": \"").append(row.unit).append('"');
            row.samples.forEach((broker, s) -> json.append(String.format(Locale.ROOT,
                    ", \"%s\": {\"median\": %.4f, \"min\": %.4f, \"max\": %.4f, \"n\": %d}",
                    broker, s.median(), s.min(), s.max(), s.size())));
            json.append("},\n");
        }
        if (!rows.isEmpty()) {
            json.setLength(json.length() - 2);
            json.append('\n');
        }
        json.append("  ],\n  \"failures\": [");
        for (int i = 0; i < failures.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(failures.get(i).replace("\"", "'")).append('"');
        }
        json.append("]\n}\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, json);
    }

    private static final class Row {
        final String figure;
        final String unit;
        final Map<String, Samples> samples = new LinkedHashMap<>();

        Row(String figure, String unit) {
            this.figure = figure;
            this.unit = unit;
        }
    }
}
