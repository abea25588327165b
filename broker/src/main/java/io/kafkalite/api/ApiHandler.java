package io.kafkalite.api;

/** Handles the requests of one API key, on the broker loop thread. */
@FunctionalInterface
public interface ApiHandler {

    /** Answers {@code request}, now or later (a parked Fetch); must not block. */
    void handle(ApiRequest request);
}
