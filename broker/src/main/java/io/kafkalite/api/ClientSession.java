package io.kafkalite.api;

import io.kafkalite.metadata.Listener;

/**
 * What the broker knows about one client connection beyond its bytes: the listener it came in on (whose address
 * Metadata and FindCoordinator advertise back). Created by the network layer per connection.
 */
public final class ClientSession {

    private final Listener listener;

    public ClientSession(Listener listener) {
        this.listener = listener;
    }

    /** The listener the connection was accepted on, with its bound and advertised addresses. */
    public Listener listener() {
        return listener;
    }
}
