package io.kafkalite.log;

import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;

import sun.misc.Unsafe;

/**
 * Unmaps a read-only map of a log segment as soon as the segment is done with, rather than when the garbage
 * collector finds the buffer: a deleted segment's disk space only comes back once its last map is gone. Only maps
 * that never left the broker loop thread are unmapped, and only when nothing there reads them.
 */
final class Unmapper {

    private static final Unsafe UNSAFE = unsafe();

    private Unmapper() {
    }

    static void unmap(MappedByteBuffer map) {
        if (map != null && UNSAFE != null) {
            UNSAFE.invokeCleaner(map);
        }
    }

    private static Unsafe unsafe() {
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // the garbage collector unmaps instead
        }
    }
}
