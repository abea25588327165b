package io.kafkalite;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.internals.ImplicitLinkedHashMultiCollection;

/**
 * Request messages with random content, for fuzzing: every field of kafka-clients' generated message classes (found
 * through their setters) gets, with some probability, a value from a mix of edge cases (negative, zero, the type's
 * extremes, empty and null), names the broker knows (so that requests reach past the lookups into the handlers) and
 * random ones. Nested structures and lists are filled the same way, a few levels deep. Values the broker answered
 * with ({@link #learn}: producer ids and epochs, member ids, generations, topic ids) are drawn too, so that later
 * requests reach the state earlier ones created: a transaction that exists, a member of a group.
 */
final class RandomRequests {

    private static final int MAX_DEPTH = 4;
    /** Accessors of the generated message classes that are not fields. */
    private static final Set<String> NOT_FIELDS = Set.of("toString", "duplicate", "hashCode",
            "apiKey", "lowestSupportedVersion", "highestSupportedVersion", "unknownTaggedFields");
    /** How many values of each kind learnt from answers are kept to draw from (the newest). */
    private static final int LEARNT = 64;

    private final Random random;
    private final List<String> names;
    private final List<Uuid> ids;
    private final List<Integer> learntInts = new ArrayList<>();
    private final List<Long> learntLongs = new ArrayList<>();
    private final List<Short> learntShorts = new ArrayList<>();
    private final List<String> learntStrings = new ArrayList<>();
    private final List<Uuid> learntIds = new ArrayList<>();

    /**
     * @param names topic, group, transactional and member names to draw from besides random ones
     * @param ids   topic ids to draw from besides random ones and the zero id
     */
    RandomRequests(Random random, List<String> names, List<Uuid> ids) {
        this.random = random;
        this.names = names;
        this.ids = ids;
    }

    /** Keeps the values of an answer's fields (through its generated accessors, nested ones too) to draw from. */
    void learn(Object struct) {
        learn(struct, 0);
    }

    private void learn(Object struct, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (Method getter : struct.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || getter.getName().startsWith("set")
                    || NOT_FIELDS.contains(getter.getName())) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(struct);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (value instanceof Integer i) {
                keep(learntInts, i);
            } else if (value instanceof Long l) {
                keep(learntLongs, l);
            } else if (value instanceof Short sh) {
                keep(learntShorts, sh);
            } else if (value instanceof String str && !str.isEmpty()) {
                keep(learntStrings, str);
            } else if (value instanceof Uuid id && !Uuid.ZERO_UUID.equals(id)) {
                keep(learntIds, id);
            } else if (value instanceof Message nested) {
                learn(nested, depth + 1);
            } else if (value instanceof Collection<?> elements) {
                for (Object element : elements) {
                    if (element instanceof Message nested) {
                        learn(nested, depth + 1);
                    }
                }
            }
        }
    }

    private static <T> void keep(List<T> values, T value) {
        if (!values.contains(value)) {
            if (values.size() == LEARNT) {
                values.remove(0);
            }
            values.add(value);
        }
    }

    /** One of the values learnt, or {@code otherwise} (also when none is known yet) half the time. */
    private <T> T learntOr(List<T> learnt, T otherwise) {
        return learnt.isEmpty() || random.nextBoolean() ? otherwise : learnt.get(random.nextInt(learnt.size()));
    }

    /** {@code request} (a fresh message with Kafka's defaults) with random values in some of its fields. */
    ApiMessage fill(ApiMessage request) {
        fillStruct(request, 0);
        return request;
    }

    private void fillStruct(Object struct, int depth) {
        for (Method setter : struct.getClass().getMethods()) {
            if (!setter.getName().startsWith("set") || setter.getParameterCount() != 1
                    || Modifier.isStatic(setter.getModifiers()) || random.nextInt(10) < 3) {
                continue;
            }
            Object value = valueFor(setter.getParameterTypes()[0], setter.getGenericParameterTypes()[0], depth);
            if (value == NO_VALUE) {
                continue;
            }
            try {
                setter.invoke(struct, value);
            } catch (ReflectiveOperationException | IllegalArgumentException e) {
                // a setter that refuses the value (or is not a field's): the default stays
            }
        }
    }

    private static final Object NO_VALUE = new Object();

    private Object valueFor(Class<?> type, Type generic, int depth) {
        if (type == int.class) {
            return anInt();
        } else if (type == short.class) {
            return learntOr(learntShorts,
                    (short) pick(0, 1, 2, -1, -2, Short.MAX_VALUE, Short.MIN_VALUE, random.nextInt(20)));
        } else if (type == long.class) {
            return learntOr(learntLongs, pickLong(0L, 1L, -1L, -2L, Long.MAX_VALUE, Long.MIN_VALUE,
                    System.currentTimeMillis(), (long) random.nextInt(1000)));
        } else if (type == byte.class) {
            return (byte) pick(0, 1, 2, -1, Byte.MAX_VALUE, Byte.MIN_VALUE);
        } else if (type == boolean.class) {
            return random.nextBoolean();
        } else if (type == double.class) {
            return random.nextBoolean() ? 0.0 : random.nextDouble() * 2 - 0.5;
        } else if (type == String.class) {
            return aString();
        } else if (type == Uuid.class) {
            int choice = random.nextInt(4);
            return choice == 0 ? Uuid.ZERO_UUID : choice == 1 ? Uuid.randomUuid()
                    : learntOr(learntIds, ids.get(random.nextInt(ids.size())));
        } else if (type == byte[].class) {
            return random.nextInt(5) == 0 ? null : bytes(random.nextInt(40));
        } else if (type == ByteBuffer.class) {
            return ByteBuffer.wrap(bytes(random.nextInt(40)));
        } else if (BaseRecords.class.isAssignableFrom(type)) {
            return records();
        } else if (depth >= MAX_DEPTH) {
            return NO_VALUE;
        } else if (ImplicitLinkedHashMultiCollection.class.isAssignableFrom(type)) {
            return collection(type, depth);
        } else if (type == List.class && generic instanceof ParameterizedType parameterized) {
            return list(parameterized.getActualTypeArguments()[0], depth);
        } else if (Message.class.isAssignableFrom(type)) {
            Object struct = newInstance(type);
            if (struct == null) {
                return NO_VALUE;
            }
            fillStruct(struct, depth + 1);
            return struct;
        }
        return NO_VALUE;
    }

    private int anInt() {
        return learntOr(learntInts, pick(0, 1, 2, 3, -1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, 1000,
                random.nextInt(10), random.nextInt(10), 30_000, 100));
    }

    private String aString() {
        int choice = random.nextInt(10);
        if (choice < 4) {
            return learntOr(learntStrings, names.get(random.nextInt(names.size())));
        }
        return switch (choice) {
            case 4 -> null;
            case 5 -> "";
            case 6 -> "fuzz-" + Integer.toString(random.nextInt(1 << 20), 36);
            case 7 -> "x".repeat(random.nextInt(400));
            case 8 -> new String(bytes(random.nextInt(12)), java.nio.charset.StandardCharsets.ISO_8859_1);
            default -> "__consumer_offsets";
        };
    }

    private Object list(Type element, int depth) {
        int size = random.nextInt(4);
        List<Object> list = new ArrayList<>(size);
        Class<?> elementClass = element instanceof Class<?> c ? c : null;
        for (int i = 0; i < size; i++) {
            if (elementClass == Integer.class) {
                list.add(anInt());
            } else if (elementClass == Long.class) {
                list.add((long) anInt());
            } else if (elementClass == String.class) {
                list.add(random.nextInt(8) == 0 ? "" : aString() == null ? "none" : aString());
            } else if (elementClass == Uuid.class) {
                list.add(random.nextBoolean() ? Uuid.randomUuid() : ids.get(random.nextInt(ids.size())));
            } else if (elementClass != null && Message.class.isAssignableFrom(elementClass)) {
                Object struct = newInstance(elementClass);
                if (struct == null) {
                    return NO_VALUE;
                }
                fillStruct(struct, depth + 1);
                list.add(struct);
            } else {
                return NO_VALUE;
            }
        }
        return list;
    }

    @SuppressWarnings("unchecked")
    private Object collection(Class<?> type, int depth) {
        Object collection = newInstance(type);
        if (collection == null || !(type.getGenericSuperclass() instanceof ParameterizedType parameterized)
                || !(parameterized.getActualTypeArguments()[0] instanceof Class<?> elementClass)) {
            return NO_VALUE;
        }
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
            Object element = newInstance(elementClass);
            if (element == null) {
                return NO_VALUE;
            }
            fillStruct(element, depth + 1);
            ((Collection<Object>) collection).add(element);
        }
        return collection;
    }

    /** A valid batch with random producer fields, or bytes that only look like records. */
    private BaseRecords records() {
        int choice = random.nextInt(5);
        if (choice == 0) {
            return MemoryRecords.readableRecords(ByteBuffer.wrap(bytes(random.nextInt(120))));
        }
        if (choice == 1) {
            return MemoryRecords.EMPTY;
        }
        SimpleRecord[] records = new SimpleRecord[1 + random.nextInt(3)];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(random.nextLong() & 0xFFFFFFFFFFL,
                    random.nextBoolean() ? null : bytes(random.nextInt(8)), bytes(random.nextInt(30)));
        }
        long producerId = random.nextBoolean() ? RecordBatch.NO_PRODUCER_ID : random.nextInt(5);
        short epoch = random.nextBoolean() ? RecordBatch.NO_PRODUCER_EPOCH : (short) random.nextInt(3);
        int sequence = random.nextBoolean() ? RecordBatch.NO_SEQUENCE : random.nextInt(5);
        boolean transactional = producerId >= 0 && random.nextBoolean();
        byte magic = random.nextInt(4) == 0 ? RecordBatch.MAGIC_VALUE_V1 : RecordBatch.MAGIC_VALUE_V2;
        try {
            return MemoryRecords.withRecords(magic, random.nextInt(3), Compression.NONE, TimestampType.CREATE_TIME,
                    producerId, epoch, sequence, random.nextInt(3), transactional, records);
        } catch (IllegalArgumentException e) {
            // producer fields kafka-clients refuses to write together (an id without an epoch, say)
            return MemoryRecords.withRecords(magic, Compression.NONE, records);
        }
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private int pick(int... values) {
        return values[random.nextInt(values.length)];
    }

    private long pickLong(long... values) {
        return values[random.nextInt(values.length)];
    }

    private static Object newInstance(Class<?> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
