package io.kafkalite;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Sets {@code throttle_time_ms} on a response. The generated response classes share no interface for it, so the
 * setter is looked up once per API by its name.
 */
final class ThrottleTime {

    private static final Map<ApiKeys, Method> SETTERS = new EnumMap<>(ApiKeys.class);

    private ThrottleTime() {
    }

    static boolean canCarry(ApiKeys api) {
        return setter(api) != null;
    }

    static void set(ApiKeys api, ApiMessage response, int millis) {
        try {
            setter(api).invoke(response, millis);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Cannot set throttle_time_ms on " + api.name + " response", e);
        }
    }

    private static synchronized Method setter(ApiKeys api) {
        return SETTERS.computeIfAbsent(api, key -> {
            try {
                return key.messageType.newResponse().getClass().getMethod("setThrottleTimeMs", int.class);
            } catch (NoSuchMethodException e) {
                return null;
            }
        });
    }
}
