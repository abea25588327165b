package io.kafkalite.bench;

/**
 * One row of the table: which result of a scenario it shows ({@code key}, multiplied by {@code scale}), its label
 * and unit, and which direction is better (for the verdict on the pair ratios).
 */
record Figure(String key, String label, String unit, Better better, double scale) {

    /** Which way a figure improves; NEITHER for a figure that explains others (no verdict). */
    enum Better { LOWER, HIGHER, NEITHER }

    static Figure lower(String key, String label, String unit) {
        return new Figure(key, label, unit, Better.LOWER, 1);
    }

    static Figure higher(String key, String label, String unit) {
        return new Figure(key, label, unit, Better.HIGHER, 1);
    }

    /** A figure that explains others, e.g. how busy a JVM was: shown with its pair ratios, no verdict. */
    static Figure info(String key, String label, String unit) {
        return new Figure(key, label, unit, Better.NEITHER, 1);
    }

    /** The same result in another unit, e.g. records/s as MB/s. */
    Figure scaled(double factor, String newLabel, String newUnit) {
        return new Figure(key, newLabel, newUnit, better, factor);
    }
}
