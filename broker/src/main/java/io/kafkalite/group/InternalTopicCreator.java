package io.kafkalite.group;

import java.util.Map;

/** Creates the internal topics (repartition and changelog) a streams group needs; supplied by the broker. */
@FunctionalInterface
public interface InternalTopicCreator {

    /**
     * Creates the topic, or does nothing if it exists.
     *
     * @return null once it exists, else why it could not be created
     */
    String create(String name, int partitions, Map<String, String> configs);
}
