package io.kafkalite;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.protocol.ApiMessage;
import io.kafkalite.api.KafkaApi;

/**
 * Sets {@code throttle_time_ms} on a response. The generated response classes share no interface for it, so the
 * setter is looked up once per API by its name.
 */
final class ThrottleTime {

    private static final Map<KafkaApi, Method> SETTERS = new EnumMap<>(KafkaApi.class);

    private ThrottleTime() {
    }

    static boolean canCarry(KafkaApi api) {
        return setter(api) != null;
    }

    static void set(KafkaApi api, ApiMessage response, int millis) {
        try {
            setter(api).invoke(response, millis);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Cannot set throttle_time_ms on " + api.kafkaName() + " response", e);
        }
    }

    private static synchronized Method setter(KafkaApi api) {
        return SETTERS.computeIfAbsent(api, key -> {
            try {
                return key.newResponse().getClass().getMethod("setThrottleTimeMs", int.class);
            } catch (NoSuchMethodException e) {
                return null;
            }
        });
    }
}
