package io.kafkalite.network;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS over a non-blocking socket with the JDK's {@link SSLEngine}: records are read into {@code netIn} and
 * decrypted into {@code appIn}; writes are encrypted into {@code netOut} and flushed as far as the socket takes
 * them (the rest waits for OP_WRITE, reported through {@link #hasPendingWrites()}). Post-handshake messages (TLS 1.3
 * key updates and session tickets) are answered as they arrive.
 */
final class TlsTransport implements Transport {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel socket;
    private final SSLEngine engine;
    private ByteBuffer netIn;
    /** Encrypted bytes not yet written; kept in read mode. */
    private ByteBuffer netOut;
    /** Decrypted bytes not yet read; kept in write mode. */
    private ByteBuffer appIn;
    private boolean handshakeComplete;
    private boolean closedByPeer;

    TlsTransport(SocketChannel socket, SSLEngine engine) throws SSLException {
        this.socket = socket;
        this.engine = engine;
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize()).flip();
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        engine.beginHandshake();
    }

    @Override
    public boolean handshake() throws IOException {
        if (handshakeComplete) {
            return true;
        }
        if (!flush()) {
            return false;
        }
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_TASK -> runDelegatedTasks();
                case NEED_WRAP -> {
                    wrap(EMPTY);
                    if (!flush()) {
                        return false;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapHandshake()) {
                        return false;
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    handshakeComplete = true;
                    return true;
                }
                default -> throw new SSLException("Unexpected TLS handshake status " + status);
            }
        }
    }

    /** One handshake unwrap; false when it needs bytes that have not arrived. */
    private boolean unwrapHandshake() throws IOException {
        SSLEngineResult result = unwrap();
        switch (result.getStatus()) {
            case OK -> {
                return true;
            }
            case BUFFER_UNDERFLOW -> {
                return readSocket() > 0;
            }
            case CLOSED -> throw new EOFException("TLS connection closed by the client during the handshake");
            default -> throw new SSLException("Unexpected TLS unwrap status " + result.getStatus());
        }
    }

    @Override
    public boolean handshakeWantsWrite() {
        return netOut.hasRemaining();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int total = drainAppIn(dst);
        while (dst.hasRemaining() && !closedByPeer) {
            if (netIn.position() > 0) {
                SSLEngineResult result = unwrap();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    closedByPeer = true;
                    break;
                }
                HandshakeStatus handshake = result.getHandshakeStatus();
                if (handshake == HandshakeStatus.NEED_TASK || handshake == HandshakeStatus.NEED_WRAP) {
                    answerPostHandshakeMessage();
                }
                total += drainAppIn(dst);
                if (result.getStatus() == SSLEngineResult.Status.OK && result.bytesConsumed() > 0) {
                    continue; // the next record may be complete too
                }
            }
            int read = readSocket();
            if (read < 0) {
                closedByPeer = true;
            } else if (read == 0) {
                break;
            }
        }
        return total == 0 && closedByPeer ? -1 : total;
    }

    /** A key update or a renegotiation attempt mid-stream: run the engine's handshake steps it asks for. */
    private void answerPostHandshakeMessage() throws IOException {
        HandshakeStatus status;
        while ((status = engine.getHandshakeStatus()) == HandshakeStatus.NEED_TASK || status == HandshakeStatus.NEED_WRAP) {
            if (status == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
            } else {
                wrap(EMPTY);
                flush();
            }
        }
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.position() > 0 || netIn.position() > 0;
    }

    @Override
    public SSLSession tlsSession() {
        return handshakeComplete ? engine.getSession() : null;
    }

    @Override
    public boolean hasPendingWrites() {
        return netOut.hasRemaining();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (!flush()) {
            return 0;
        }
        long consumed = 0;
        while (hasRemaining(srcs, offset, length)) {
            consumed += wrap(srcs, offset, length);
            if (!flush()) {
                break;
            }
        }
        return consumed;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    /** Fetched data in files must pass through the engine: copy it out in chunks. */
    @Override
    public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(count, engine.getSession().getApplicationBufferSize()));
        int read = fileChannel.read(chunk, position);
        if (read <= 0) {
            return read;
        }
        return write(chunk.flip());
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Sends close_notify if the socket takes it at once, then closes. */
    @Override
    public void close() throws IOException {
        try {
            engine.closeOutbound();
            if (!netOut.hasRemaining()) {
                wrap(EMPTY);
                socket.write(netOut);
            }
        } catch (IOException | RuntimeException e) {
            // the peer may be gone already; closing is all that is left to do
        } finally {
            socket.close();
        }
    }

    private int drainAppIn(ByteBuffer dst) {
        if (appIn.position() == 0) {
            return 0;
        }
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    private int readSocket() throws IOException {
        if (!netIn.hasRemaining()) {
            netIn = grow(netIn, engine.getSession().getPacketBufferSize());
        }
        int read = socket.read(netIn);
        if (read < 0 && !handshakeComplete) {
            throw new EOFException("Connection closed by the client during the TLS handshake");
        }
        return read;
    }

    private SSLEngineResult unwrap() throws SSLException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return result;
            }
            appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
        }
    }

    private void wrap(ByteBuffer src) throws SSLException {
        wrap(new ByteBuffer[] {src}, 0, 1);
    }

    /** Encrypts into the (empty) netOut buffer; returns the application bytes consumed. */
    private int wrap(ByteBuffer[] srcs, int offset, int length) throws SSLException {
        while (true) {
            netOut.clear();
            SSLEngineResult result;
            try {
                result = engine.wrap(srcs, offset, length, netOut);
            } finally {
                netOut.flip();
            }
            switch (result.getStatus()) {
                case OK -> {
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        runDelegatedTasks();
                    }
                    return result.bytesConsumed();
                }
                case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(netOut.capacity() * 2).flip();
                case CLOSED -> {
                    if (engine.isOutboundDone()) {
                        return result.bytesConsumed();
                    }
                    throw new SSLException("TLS engine closed while writing");
                }
                default -> throw new SSLException("Unexpected TLS wrap status " + result.getStatus());
            }
        }
    }

    /** Writes encrypted bytes; true when none are left waiting. */
    private boolean flush() throws IOException {
        if (netOut.hasRemaining()) {
            socket.write(netOut);
        }
        return !netOut.hasRemaining();
    }

    /** Certificate checks and key exchange steps; cheap enough to run on the network thread. */
    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** A buffer in write mode with the same content and at least {@code minimum} more room. */
    private static ByteBuffer grow(ByteBuffer buffer, int minimum) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + minimum));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
