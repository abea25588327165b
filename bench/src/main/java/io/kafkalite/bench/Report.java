package io.kafkalite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The results: one row per figure with each broker's median [min-max] over its repetitions, and the ratio
 * Kafkalite / Kafka of each interleaved pair of repetitions with its spread. A figure whose pair ratios straddle 1
 * is "no difference". Printed as a table and written as JSON.
 */
final class Report {

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    /** Declares a scenario's figures, so a figure that failed on every repetition still has its row. */
    void declare(Scenario scenario) {
        for (Figure figure : scenario.figures()) {
            rows.computeIfAbsent(figure.label(), l -> new Row(figure));
        }
    }

    void add(Scenario scenario, Broker broker, int repetition, Map<String, Double> results) {
        for (Figure figure : scenario.figures()) {
            Double value = results.get(figure.key());
            if (value != null && !value.isNaN()) {
                rows.get(figure.label()).values(broker).put(repetition, value * figure.scale());
            }
        }
    }

    void failure(Scenario scenario, Broker broker, String message) {
        failures.add(scenario.title() + " on " + broker.label() + ": " + message);
        for (Figure figure : scenario.figures()) {
            rows.get(figure.label()).failed.add(broker);
        }
    }

    List<String> failures() {
        return failures;
    }

    String table() {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"figure", "unit", "kafkalite median [min-max]", "kafka median [min-max]",
                "pair ratio median [min-max]", "verdict"});
        for (Row row : rows.values()) {
            Samples ratios = row.ratios();
            lines.add(new String[] {row.figure.label(), row.figure.unit(), row.cell(Broker.KAFKALITE),
                    row.cell(Broker.KAFKA), ratios.isEmpty() ? "" : cell(ratios, 2), row.verdict(ratios)});
        }
        int columns = lines.get(0).length;
        int[] widths = new int[columns];
        for (String[] line : lines) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int l = 0; l < lines.size(); l++) {
            out.append('|');
            for (int i = 0; i < columns; i++) {
                out.append(' ').append(String.format("%-" + widths[i] + "s", lines.get(l)[i])).append(" |");
            }
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

    private static String cell(Samples samples, int ratioDigits) {
        if (samples.size() == 1) {
            return format(samples.median(), ratioDigits);
        }
        return format(samples.median(), ratioDigits) + " [" + format(samples.min(), ratioDigits) + "-"
                + format(samples.max(), ratioDigits) + "]";
    }

    /** Three significant digits or so; ratios always with {@code fixedDigits} decimals when given. */
    private static String format(double value, int fixedDigits) {
        if (fixedDigits > 0) {
            return String.format(Locale.ROOT, "%." + fixedDigits + "f", value);
        }
        double abs = Math.abs(value);
        String pattern = abs >= 1000 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }

    void writeJson(Path file, Map<String, String> machine) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"machine\": {");
        json.append(String.join(", ", machine.entrySet().stream()
                .map(e -> quote(e.getKey()) + ": " + quote(e.getValue())).toList()));
        json.append("},\n  \"figures\": [\n");
        List<String> figures = new ArrayList<>();
        for (Row row : rows.values()) {
            StringBuilder f = new StringBuilder("    {\"figure\": " + quote(row.figure.label()) + ", \"unit\": "
                    + quote(row.figure.unit()) + ", \"better\": " + quote(row.figure.better().name().toLowerCase(Locale.ROOT)));
            for (Broker broker : Broker.values()) {
                Samples samples = row.samples(broker);
                if (!samples.isEmpty()) {
                    f.append(", ").append(quote(broker.label())).append(": ").append(stats(samples));
                } else if (row.failed.contains(broker)) {
                    f.append(", ").append(quote(broker.label())).append(": \"failed\"");
                }
            }
            Samples ratios = row.ratios();
            if (!ratios.isEmpty()) {
                f.append(", \"pairRatio\": ").append(stats(ratios));
            }
            f.append(", \"verdict\": ").append(quote(row.verdict(ratios))).append('}');
            figures.add(f.toString());
        }
        json.append(String.join(",\n", figures));
        json.append("\n  ],\n  \"failures\": [");
        json.append(String.join(", ", failures.stream().map(Report::quote).toList()));
        json.append("]\n}\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, json);
    }

    private static String stats(Samples samples) {
        return String.format(Locale.ROOT, "{\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"values\": %s}",
                samples.median(), samples.min(), samples.max(), samples.values().stream()
                        .map(v -> String.format(Locale.ROOT, "%.6g", v)).toList());
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + '"';
    }

    private static final class Row {
        final Figure figure;
        /** Values by broker, keyed by repetition index: the pairs are the repetitions both brokers completed. */
        final Map<Broker, TreeMap<Integer, Double>> values = new LinkedHashMap<>();
        final java.util.Set<Broker> failed = java.util.EnumSet.noneOf(Broker.class);

        Row(Figure figure) {
            this.figure = figure;
        }

        TreeMap<Integer, Double> values(Broker broker) {
            return values.computeIfAbsent(broker, b -> new TreeMap<>());
        }

        Samples samples(Broker broker) {
            Samples samples = new Samples();
            values(broker).values().forEach(samples::add);
            return samples;
        }

        /** Kafkalite / Kafka of each pair; only where both values are positive (a ratio of "grown by" -1 means nothing). */
        Samples ratios() {
            Samples ratios = new Samples();
            pairs().forEach(pair -> {
                if (pair[0] > 0 && pair[1] > 0) {
                    ratios.add(pair[0] / pair[1]);
                }
            });
            return ratios;
        }

        /** {kafkalite, kafka} of every repetition both brokers completed. */
        List<double[]> pairs() {
            List<double[]> pairs = new ArrayList<>();
            values(Broker.KAFKALITE).forEach((rep, lite) -> {
                Double kafka = values(Broker.KAFKA).get(rep);
                if (kafka != null) {
                    pairs.add(new double[] {lite, kafka});
                }
            });
            return pairs;
        }

        String cell(Broker broker) {
            Samples samples = samples(broker);
            if (samples.isEmpty()) {
                return failed.contains(broker) ? "failed" : "-";
            }
            return Report.cell(samples, 0) + (failed.contains(broker) ? " (some failed)" : "");
        }

        /** Which broker is better, only when every pair agrees; otherwise "no difference". */
        String verdict(Samples ratios) {
            List<double[]> pairs = pairs();
            if (pairs.isEmpty() || figure.better() == Figure.Better.NEITHER) {
                return "";
            }
            boolean liteLowerInAll = pairs.stream().allMatch(p -> p[0] < p[1]);
            boolean liteHigherInAll = pairs.stream().allMatch(p -> p[0] > p[1]);
            if (!liteLowerInAll && !liteHigherInAll) {
                return "no difference";
            }
            boolean liteBetter = figure.better() == Figure.Better.LOWER ? liteLowerInAll : liteHigherInAll;
            String winner = liteBetter ? "kafkalite better" : "kafka better";
            if (ratios.size() != pairs.size()) {
                return winner;
            }
            double advantage = figure.better() == Figure.Better.LOWER ? 1 / ratios.median() : ratios.median();
            double factor = liteBetter ? advantage : 1 / advantage;
            return Double.isFinite(factor) ? String.format(Locale.ROOT, "%s (%.2fx)", winner, factor) : winner;
        }
    }
}
