package io.kafkalite.junit;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.serialization.ByteBufferSerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.DoubleDeserializer;
import org.apache.kafka.common.serialization.DoubleSerializer;
import org.apache.kafka.common.serialization.FloatDeserializer;
import org.apache.kafka.common.serialization.FloatSerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.ShortDeserializer;
import org.apache.kafka.common.serialization.ShortSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.UUIDDeserializer;
import org.apache.kafka.common.serialization.UUIDSerializer;

/** The key and value types injected clients support, with kafka-clients' own (de)serializers for each. */
final class Serdes {

    private static final Map<Class<?>, Class<?>[]> BY_TYPE = Map.of(
            String.class, new Class<?>[] {StringSerializer.class, StringDeserializer.class},
            byte[].class, new Class<?>[] {ByteArraySerializer.class, ByteArrayDeserializer.class},
            Integer.class, new Class<?>[] {IntegerSerializer.class, IntegerDeserializer.class},
            Long.class, new Class<?>[] {LongSerializer.class, LongDeserializer.class},
            Short.class, new Class<?>[] {ShortSerializer.class, ShortDeserializer.class},
            Double.class, new Class<?>[] {DoubleSerializer.class, DoubleDeserializer.class},
            Float.class, new Class<?>[] {FloatSerializer.class, FloatDeserializer.class},
            UUID.class, new Class<?>[] {UUIDSerializer.class, UUIDDeserializer.class},
            ByteBuffer.class, new Class<?>[] {ByteBufferSerializer.class, ByteBufferDeserializer.class});

    static final String SUPPORTED = "String, byte[], Integer, Long, Short, Double, Float, UUID, ByteBuffer";

    private Serdes() {
    }

    static boolean supports(Class<?> type) {
        return BY_TYPE.containsKey(type);
    }

    static Class<?> serializer(Class<?> type) {
        return require(type)[0];
    }

    static Class<?> deserializerClass(Class<?> type) {
        return require(type)[1];
    }

    @SuppressWarnings("unchecked")
    static <T> Deserializer<T> deserializer(Class<T> type) {
        try {
            return (Deserializer<T>) deserializerClass(type).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a deserializer for " + type.getName(), e);
        }
    }

    private static Class<?>[] require(Class<?> type) {
        Class<?>[] pair = BY_TYPE.get(type);
        if (pair == null) {
            throw new IllegalArgumentException(type.getName() + " is not a supported key or value type; use one of "
                    + SUPPORTED);
        }
        return pair;
    }
}
