package io.kafkalite.network;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import io.kafkalite.api.ApiRequest;
import io.kafkalite.api.ClientSession;
import io.kafkalite.api.ResponseSink;
import org.apache.kafka.common.network.ByteBufferSend;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Frames are read exactly (size, then that many bytes) into buffers sized for them (a large
 * one into a direct buffer the connection reuses), so any request size the limit allows works and nothing is read
 * past the request in flight. All methods but
 * {@link #send} and {@link #sendNothing} run on the network thread.
 */
final class Connection implements ResponseSink {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** Smaller frames get a heap buffer each: most requests are small, and a heap buffer costs nothing to keep. */
    private static final int DIRECT_FRAME_MIN_BYTES = 32 << 10;
    /** Larger frames get a heap buffer each too, so that one huge request does not pin native memory for good. */
    private static final int DIRECT_FRAME_MAX_BYTES = 8 << 20;

    private final SocketServer server;
    private final ClientSession session;
    private final SelectionKey key;
    private final String remoteAddress;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private final Transport transport;
    private ByteBuffer frame;
    /**
     * Large frames (produce requests, in practice) are read into this direct buffer, reused for the next one: the
     * socket read then lands in it without the JDK's bounce through a temporary direct buffer, no heap array is
     * zeroed per request, and the log copies the batches from it natively. Reusing it is safe because a connection
     * reads its next request only after the answer to this one was handed over, and handlers keep no slice of a
     * request past their answer (the log copies batches in).
     */
    private ByteBuffer reusedFrame;
    private Send outgoing;
    /** Set for the answer to a failed authentication: the connection closes once it is written. */
    private boolean closeAfterWrite;
    /** The answer to the request in flight, handed over from the broker loop. */
    private volatile PendingResponse pending;
    private volatile boolean open = true;
    /** Set by the broker loop when the request in flight was unacceptable; the network thread closes. */
    private volatile String closeReason;

    Connection(SocketServer server, SocketChannel channel, SelectionKey key, ClientSession session, Transport transport)
            throws IOException {
        this.server = server;
        this.session = session;
        this.key = key;
        this.remoteAddress = String.valueOf(channel.getRemoteAddress());
        this.transport = transport;
    }

    /** The socket is readable: the TLS handshake goes first, then request frames. */
    void onReadable() throws IOException {
        if (handshakeDone()) {
            readFrames();
        }
    }

    /** The socket takes more bytes: the handshake's or the pending response's. */
    void onWritable() throws IOException {
        if (outgoing != null) {
            writePending();
        } else if (handshakeDone() && transport.hasBufferedInput()) {
            readFrames();
        }
    }

    /** Advances the TLS handshake; once complete, the session learns the client's certificate. */
    private boolean handshakeDone() throws IOException {
        if (session.isTransportReady()) {
            return true;
        }
        boolean done;
        try {
            done = transport.handshake();
        } catch (IOException e) {
            LOG.info("TLS handshake with {} failed: {}", remoteAddress, e.getMessage());
            throw e;
        }
        if (!done) {
            key.interestOps(transport.handshakeWantsWrite() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            return false;
        }
        key.interestOps(SelectionKey.OP_READ);
        session.transportReady(transport.tlsSession());
        return true;
    }

    /** Reads until one whole frame is in, then hands it on and stops reading until it is answered. */
    private void readFrames() throws IOException {
        if (frame == null) {
            read(sizeBuffer);
            if (sizeBuffer.hasRemaining()) {
                return;
            }
            int size = sizeBuffer.flip().getInt();
            sizeBuffer.clear();
            int limit = session.maxFrameBytes(server.maxFrameBytes());
            if (size < 0 || size > limit) {
                reject("request frame of " + size + " bytes is outside 0.." + limit + (session.isAuthenticated()
                        ? " (socket.request.max.bytes)" : " (sasl.server.max.receive.size, before authentication)"));
                return;
            }
            frame = size >= DIRECT_FRAME_MIN_BYTES && size <= DIRECT_FRAME_MAX_BYTES ? reusedFrame(size)
                    : ByteBuffer.allocate(size);
        }
        read(frame);
        if (frame.hasRemaining()) {
            return;
        }
        ByteBuffer complete = frame.flip();
        frame = null;
        key.interestOps(0); // muted until the response is written
        server.loop().submit(complete, this);
    }

    private ByteBuffer reusedFrame(int size) {
        if (reusedFrame == null || reusedFrame.capacity() < size) {
            reusedFrame = ByteBuffer.allocateDirect(Integer.highestOneBit(size - 1) << 1);
        }
        return reusedFrame.clear().limit(size);
    }

    private void read(ByteBuffer buffer) throws IOException {
        if (transport.read(buffer) < 0) {
            throw new EOFException("closed by client");
        }
    }

    private void reject(String reason) {
        LOG.warn("Closing connection from {}: {}", remoteAddress, reason);
        close();
    }

    @Override
    public void send(ApiRequest request, ApiMessage response, short version) {
        pending = new PendingResponse(request, response, version, null, false);
        server.responseReady(this);
    }

    @Override
    public void sendAndClose(ApiRequest request, ApiMessage response, short version) {
        pending = new PendingResponse(request, response, version, null, true);
        server.responseReady(this);
    }

    @Override
    public void sendRawToken(byte[] token) {
        pending = new PendingResponse(null, null, (short) 0, ByteBuffer.wrap(token), false);
        server.responseReady(this);
    }

    @Override
    public void sendNothing(ApiRequest request) {
        pending = new PendingResponse(request, null, (short) 0, null, false);
        server.responseReady(this);
    }

    @Override
    public void close(String reason) {
        closeReason = reason;
        server.responseReady(this);
    }

    /** On the network thread: serialises the pending response and starts writing it. */
    void writeResponse() {
        if (closeReason != null) {
            reject(closeReason);
            return;
        }
        PendingResponse response = pending;
        pending = null;
        if (!open || response == null) {
            return;
        }
        if (response.body == null && response.rawToken == null) {
            unmute();
            return;
        }
        closeAfterWrite = response.closeAfter;
        try {
            outgoing = response.rawToken != null ? ByteBufferSend.sizePrefixed(response.rawToken) : serialize(response);
        } catch (RuntimeException e) {
            LOG.error("Cannot serialise the response to {}; closing the connection", response.request, e);
            close();
            return;
        }
        try {
            writePending();
        } catch (IOException e) {
            LOG.debug("Connection {} closed while writing: {}", remoteAddress, e.getMessage());
            close();
        }
    }

    private void writePending() throws IOException {
        if (outgoing == null) {
            return;
        }
        outgoing.writeTo(transport);
        if (!outgoing.completed()) {
            key.interestOps(SelectionKey.OP_WRITE);
        } else if (closeAfterWrite) {
            close(); // the answer to a failed authentication is out; the failure itself was logged
        } else {
            outgoing = null;
            unmute();
        }
    }

    /**
     * Reads again, starting at once: a client's next request is often in the socket already (a producer keeps up to
     * five in flight), and reading it now saves a round through the selector; requests of a TLS record already
     * brought in would get no OP_READ at all.
     */
    private void unmute() {
        if (!key.isValid()) {
            return;
        }
        key.interestOps(SelectionKey.OP_READ);
        try {
            readFrames();
        } catch (IOException e) {
            LOG.debug("Connection {} closed: {}", remoteAddress, e.getMessage());
            close();
        }
    }

    /**
     * Serialises with kafka-clients' {@link SendBuilder}: the header and fields are copied into small buffers, but
     * record batches (fetched data) are written straight from the buffers they were read into.
     */
    private static Send serialize(PendingResponse response) {
        ApiRequest request = response.request;
        short headerVersion = request.apiKey().responseHeaderVersion(request.version());
        ResponseHeader header = new ResponseHeader(request.correlationId(), headerVersion);
        return SendBuilder.buildResponseSend(header, response.body, response.version);
    }

    void close() {
        if (!open) {
            return;
        }
        open = false;
        key.cancel();
        try {
            transport.close();
        } catch (IOException e) {
            LOG.debug("Error closing connection {}", remoteAddress, e);
        }
        server.forget(this);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public ClientSession session() {
        return session;
    }

    /** A response body, or a bare SASL token (after a v0 handshake), or neither (nothing to send). */
    private record PendingResponse(ApiRequest request, ApiMessage body, short version, ByteBuffer rawToken,
                                   boolean closeAfter) {
    }
}
