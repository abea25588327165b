package io.kafkalite.junit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Parses {@code name=value} pairs from annotation attributes. */
final class Settings {

    private Settings() {
    }

    static Map<String, String> parse(String[] pairs, String origin) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ExtensionConfigurationException(origin + ": \"" + pair + "\" is not of the form name=value");
            }
            settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return settings;
    }
}
