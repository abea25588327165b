package io.kafkalite.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.kafkalite.api.BrokerLoop;
import io.kafkalite.api.ClientSession;
import io.kafkalite.metadata.Listener;
import io.kafkalite.security.BrokerSecurity;
import io.kafkalite.security.TlsServerContext;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets (one per listener) and every client connection, served by one selector thread. It reads size-prefixed
 * frames, hands them to the broker loop and writes the responses back; decoding happens on the loop.
 *
 * <p>Like Kafka, a connection is muted while its request is in flight, so responses leave in request order even
 * when one is parked (a long-poll Fetch): clients rely on that.
 */
public final class SocketServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

    private final Selector selector;
    private final List<ServerSocketChannel> serverChannels;
    private final List<Listener> listeners;
    private final int maxFrameBytes;
    private final BrokerSecurity security;
    private BrokerLoop loop;
    private final ManyToOneConcurrentLinkedQueue<Connection> responded = new ManyToOneConcurrentLinkedQueue<>();
    private final List<Connection> connections = new ArrayList<>();
    private volatile boolean running;
    private Thread thread;

    private SocketServer(Selector selector, List<ServerSocketChannel> serverChannels, List<Listener> listeners,
                         int maxFrameBytes, BrokerSecurity security) {
        this.selector = selector;
        this.security = security;
        this.serverChannels = serverChannels;
        this.listeners = listeners;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Binds every listener's socket (port 0 picks a free port) without accepting yet, so the ports are known
     * before the broker state that advertises them is built. One selector thread serves all listeners.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound (e.g. the port is in use)
     */
    public static SocketServer bind(List<Listener> listeners, int maxFrameBytes, BrokerSecurity security) {
        Selector selector = null;
        List<ServerSocketChannel> channels = new ArrayList<>();
        List<Listener> bound = new ArrayList<>();
        Listener binding = null;
        try {
            selector = Selector.open();
            for (Listener listener : listeners) {
                binding = listener;
                ServerSocketChannel channel = ServerSocketChannel.open();
                channels.add(channel);
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(listener.bindHost().isEmpty() ? new InetSocketAddress(listener.bindPort())
                        : new InetSocketAddress(listener.bindHost(), listener.bindPort()));
                channel.configureBlocking(false);
                Listener boundListener = listener.bound(((InetSocketAddress) channel.getLocalAddress()).getPort());
                channel.register(selector, SelectionKey.OP_ACCEPT, boundListener);
                bound.add(boundListener);
            }
            return new SocketServer(selector, channels, List.copyOf(bound), maxFrameBytes, security);
        } catch (IOException | RuntimeException e) {
            channels.forEach(SocketServer::closeQuietly);
            closeQuietly(selector);
            String where = binding == null ? "" : binding.name().value() + " listener "
                    + Listener.hostAndPort(binding.bindHost(), binding.bindPort());
            String message = "Cannot listen on " + where + ": " + e.getMessage() + (binding != null && binding.bindPort() != 0
                    ? " (is another broker using that port? port 0 picks a free one)" : "");
            throw new UncheckedIOException(message, e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** The listeners with their bound ports, in configuration order. */
    public List<Listener> listeners() {
        return listeners;
    }

    /** Starts accepting connections; their request frames go to {@code loop}. */
    public void start(BrokerLoop loop, String threadName) {
        this.loop = loop;
        running = true;
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                selector.select(500);
                Connection ready;
                while ((ready = responded.poll()) != null) {
                    Connection connection = ready;
                    serve(connection, connection::writeResponse);
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key);
                }
            }
        } catch (ClosedSelectorException e) {
            // closed by close()
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("Network thread failed; the broker stops accepting requests", e);
            }
        } finally {
            List.copyOf(connections).forEach(Connection::close);
        }
    }

    private void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept((ServerSocketChannel) key.channel(), (Listener) key.attachment());
            return;
        }
        Connection connection = (Connection) key.attachment();
        serve(connection, () -> {
            if (key.isReadable()) {
                connection.onReadable();
            }
            if (key.isValid() && key.isWritable()) {
                connection.onWritable();
            }
        });
    }

    /**
     * Runs one step of serving a connection. An I/O error closes that connection (the client went away); any other
     * failure is a broker bug, and it too closes only that connection, so the thread goes on serving the others.
     */
    private void serve(Connection connection, ConnectionStep step) {
        try {
            step.run();
        } catch (IOException e) {
            LOG.debug("Connection {} closed: {}", connection.remoteAddress(), e.getMessage());
            connection.close();
        } catch (RuntimeException e) {
            LOG.error("Closing the connection from {} after an unexpected error; the broker goes on serving the others",
                    connection.remoteAddress(), e);
            connection.close();
        }
    }

    @FunctionalInterface
    private interface ConnectionStep {
        void run() throws IOException;
    }

    private void accept(ServerSocketChannel serverChannel, Listener listener) {
        try {
            SocketChannel channel;
            while ((channel = serverChannel.accept()) != null) {
                try {
                    register(channel, listener);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Cannot take the connection from {}: {}", channel.socket().getRemoteSocketAddress(), e.toString());
                    try {
                        channel.close();
                    } catch (IOException closing) {
                        // the connection is dropped either way
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Failed to accept a connection: {}", e.getMessage());
        }
    }

    /** Sets up an accepted connection; its TLS engine failing to start closes it at once. */
    private void register(SocketChannel channel, Listener listener) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        TlsServerContext tls = security.tls(listener.name());
        Transport transport;
        try {
            transport = tls == null ? new PlaintextTransport(channel) : new TlsTransport(channel, newEngine(tls, channel));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot start TLS with {}: {}", channel.getRemoteAddress(), e.getMessage());
            key.cancel();
            channel.close();
            return;
        }
        Connection connection = new Connection(this, channel, key, new ClientSession(listener,
                ((InetSocketAddress) channel.getRemoteAddress()).getAddress().getHostAddress(), tls,
                security.sasl(listener.name())), transport);
        key.attach(connection);
        connections.add(connection);
    }

    private static javax.net.ssl.SSLEngine newEngine(TlsServerContext tls, SocketChannel channel) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
        return tls.newEngine(peer.getHostString(), peer.getPort());
    }

    BrokerLoop loop() {
        return loop;
    }

    int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Called by any thread when a connection's response is ready to write. */
    void responseReady(Connection connection) {
        responded.offer(connection);
        selector.wakeup();
    }

    void forget(Connection connection) {
        connections.remove(connection);
    }

    /** Stops accepting, closes every connection and waits for the network thread to end. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        serverChannels.forEach(SocketServer::closeQuietly);
        closeQuietly(selector);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Error while closing {}", closeable, e);
            }
        }
    }
}
