package io.kafkalite.junit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Records as text for failure messages: keys and values as UTF-8 when they are, else hex. */
final class RecordText {

    /** How many records a failure message shows; the count says how many more there were. */
    static final int SHOWN = 20;

    private RecordText() {
    }

    static String list(List<? extends ConsumerRecord<?, ?>> records) {
        if (records.isEmpty()) {
            return ".";
        }
        StringBuilder out = new StringBuilder(":");
        int from = Math.max(0, records.size() - SHOWN);
        if (from > 0) {
            out.append("\n  ... ").append(from).append(" earlier records");
        }
        for (ConsumerRecord<?, ?> record : records.subList(from, records.size())) {
            out.append("\n  ").append(describe(record));
        }
        return out.toString();
    }

    static String describe(ConsumerRecord<?, ?> record) {
        return "partition " + record.partition() + " offset " + record.offset() + ": key=" + value(record.key())
                + " value=" + value(record.value());
    }

    static String value(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes(bytes);
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes(bytes);
        }
        return String.valueOf(value);
    }

    static String bytes(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            if (text.chars().allMatch(c -> c >= 0x20 || c == '\t')) {
                return "\"" + text + "\"";
            }
        } catch (CharacterCodingException e) {
            // not text: shown as hex
        }
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
