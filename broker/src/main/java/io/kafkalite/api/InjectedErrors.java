package io.kafkalite.api;

import org.apache.kafka.common.errors.ApiException;

/**
 * Errors test control wants some partitions (or topics) of a request to get instead of their real result, while
 * the other partitions are served as usual: a partial failure. Handlers that build per-partition results ask
 * {@link ApiRequest#injectedError} where they would otherwise check the partition.
 */
@FunctionalInterface
public interface InjectedErrors {

    /**
     * The error for this partition of the request, or null to serve it.
     *
     * @param partition the partition index, or -1 for a topic-level result (Metadata)
     */
    ApiException errorFor(String topic, int partition);
}
