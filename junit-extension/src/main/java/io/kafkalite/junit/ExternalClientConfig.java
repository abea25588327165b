package io.kafkalite.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The user's own client settings for an external cluster (its security above all: {@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}), passed through to every client the extension creates. From a client properties
 * file named by {@value #FILE_PROPERTY} (or {@code KAFKALITE_EXTERNAL_CLIENT_CONFIG}), then system properties
 * {@value #PREFIX}{@code <name>} on top.
 */
final class ExternalClientConfig {

    /** System property naming a client properties file for the external cluster. */
    static final String FILE_PROPERTY = "kafkalite.external.client.config";
    /** Prefix of system properties that are client settings, e.g. {@code kafkalite.external.client.security.protocol}. */
    static final String PREFIX = "kafkalite.external.client.";

    private ExternalClientConfig() {
    }

    static Map<String, Object> fromSystem() {
        Map<String, Object> config = new HashMap<>();
        String file = System.getProperty(FILE_PROPERTY, System.getenv("KAFKALITE_EXTERNAL_CLIENT_CONFIG"));
        if (file != null && !file.isBlank()) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(file.trim()))) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the external cluster's client settings from " + file
                        + " (" + FILE_PROPERTY + "): " + e.getMessage(), e);
            }
            properties.forEach((key, value) -> config.put(key.toString(), value.toString()));
        }
        System.getProperties().forEach((key, value) -> {
            String name = key.toString();
            if (name.startsWith(PREFIX) && !name.equals(FILE_PROPERTY)) {
                config.put(name.substring(PREFIX.length()), value.toString());
            }
        });
        return config;
    }
}
