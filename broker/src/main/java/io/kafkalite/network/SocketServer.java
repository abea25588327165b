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
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket and every client connection, served by one selector thread. It reads size-prefixed
 * frames, hands them to the broker loop and writes the responses back; decoding happens on the loop.
 *
 * <p>Like Kafka, a connection is muted while its request is in flight, so responses leave in request order even
 * when one is parked (a long-poll Fetch): clients rely on that.
 */
public final class SocketServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

    private final Selector selector;
    private final ServerSocketChannel serverChannel;
    private final int maxFrameBytes;
    private BrokerLoop loop;
    private final ManyToOneConcurrentLinkedQueue<Connection> responded = new ManyToOneConcurrentLinkedQueue<>();
    private final List<Connection> connections = new ArrayList<>();
    private volatile boolean running;
    private Thread thread;

    private SocketServer(Selector selector, ServerSocketChannel serverChannel, int maxFrameBytes) {
        this.selector = selector;
        this.serverChannel = serverChannel;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Binds the listening socket (port 0 picks a free port) without accepting yet, so the port is known
     * before the broker state that advertises it is built.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound (e.g. the port is in use)
     */
    public static SocketServer bind(String host, int port, int maxFrameBytes) {
        Selector selector = null;
        ServerSocketChannel channel = null;
        try {
            selector = Selector.open();
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(host, port));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_ACCEPT);
            return new SocketServer(selector, channel, maxFrameBytes);
        } catch (IOException e) {
            closeQuietly(channel);
            closeQuietly(selector);
            throw new UncheckedIOException("Cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + (port != 0 ? " (is another broker using that port? port 0 picks a free one)" : ""), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.socket().getLocalSocketAddress()).getPort();
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
                    ready.writeResponse();
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
            accept();
            return;
        }
        Connection connection = (Connection) key.attachment();
        try {
            if (key.isReadable()) {
                connection.readFrames();
            }
            if (key.isValid() && key.isWritable()) {
                connection.writePending();
            }
        } catch (IOException e) {
            LOG.debug("Connection {} closed: {}", connection.remoteAddress(), e.getMessage());
            connection.close();
        }
    }

    private void accept() {
        try {
            SocketChannel channel;
            while ((channel = serverChannel.accept()) != null) {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                Connection connection = new Connection(this, channel, key);
                key.attach(connection);
                connections.add(connection);
            }
        } catch (IOException e) {
            LOG.warn("Failed to accept a connection: {}", e.getMessage());
        }
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
        closeQuietly(serverChannel);
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
