package dev.ferry.transport;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * TLS over a non-blocking {@link SocketChannel} with an {@link SSLEngine}: decrypts into {@code read}'s buffer and
 * encrypts what {@code write} takes, running the handshake (and post-handshake messages such as TLS 1.3 session
 * tickets) as records arrive.
 *
 * <p>Buffers: {@code netIn} holds ciphertext not yet unwrapped, {@code plainIn} plaintext not yet read,
 * {@code netOut} ciphertext not yet written; all in write mode between calls.
 *
 * <p>Thread contract: not thread safe; reads and writes are serialized by the owner (one loop thread, or the
 * connecting thread during the handshake).
 */
final class TlsLayer {

    private final SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer plainIn;
    private ByteBuffer netOut;
    private boolean inboundDone;

    TlsLayer(SSLEngine engine) {
        this.engine = engine;
        this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.plainIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /** Whether the handshake still needs to run. */
    boolean isHandshaking() {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && status != SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** The handshake's next need: true to read from the network, false to write (or nothing pending). */
    boolean handshakeWantsRead() {
        return engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP && !hasPendingOutput();
    }

    /**
     * Advances the handshake as far as it can go without blocking.
     *
     * @return true when the handshake is finished
     */
    boolean handshake(SocketChannel channel) throws IOException {
        while (true) {
            if (!flush(channel)) {
                return false;
            }
            switch (engine.getHandshakeStatus()) {
                case NOT_HANDSHAKING, FINISHED -> {
                    return true;
                }
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrap(new ByteBuffer[] {ByteBuffer.allocate(0)});
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapOnce(channel)) {
                        return false;
                    }
                }
                default -> throw new AssertionError(engine.getHandshakeStatus());
            }
        }
    }

    /** Plaintext into {@code dst}: bytes read, 0 when nothing is available now, -1 at the end of the stream. */
    int read(SocketChannel channel, ByteBuffer dst) throws IOException {
        while (true) {
            if (plainIn.position() > 0) {
                plainIn.flip();
                int n = Math.min(dst.remaining(), plainIn.remaining());
                dst.put(plainIn.slice(plainIn.position(), n));
                plainIn.position(plainIn.position() + n);
                plainIn.compact();
                return n;
            }
            if (inboundDone) {
                return -1;
            }
            if (!unwrapOnce(channel)) {
                if (plainIn.position() > 0) {
                    continue;
                }
                return inboundDone ? -1 : 0;
            }
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                wrap(new ByteBuffer[] {ByteBuffer.allocate(0)});
                flush(channel);
            }
        }
    }

    /** Whether decrypted bytes are waiting for {@link #read}. */
    boolean hasBufferedInput() {
        return plainIn.position() > 0 || inboundDone;
    }

    /**
     * Unwraps one record, reading from the channel when a whole record is not buffered.
     *
     * @return false when no progress is possible now (more bytes needed, or the stream ended)
     */
    private boolean unwrapOnce(SocketChannel channel) throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, plainIn);
            } finally {
                netIn.compact();
            }
            switch (result.getStatus()) {
                case OK -> {
                    return true;
                }
                case CLOSED -> {
                    inboundDone = true;
                    return false;
                }
                case BUFFER_OVERFLOW -> plainIn = grow(plainIn, engine.getSession().getApplicationBufferSize());
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    int n = channel.read(netIn);
                    if (n == 0) {
                        return false;
                    }
                    if (n < 0) {
                        inboundDone = true;
                        try {
                            engine.closeInbound();
                        } catch (SSLException truncation) {
                            // RFC 8446 §6.1: a peer closing without close_notify; the stream is over all the same
                        }
                        return false;
                    }
                }
                default -> throw new AssertionError(result.getStatus());
            }
        }
    }

    /**
     * Encrypts as much of {@code srcs} as fits and writes what the channel takes.
     *
     * @return plaintext bytes taken (0 while earlier ciphertext is still waiting for the channel)
     */
    long write(SocketChannel channel, ByteBuffer[] srcs) throws IOException {
        if (!flush(channel)) {
            return 0;
        }
        long taken = 0;
        while (remaining(srcs) > 0) {
            taken += wrap(srcs);
            if (!flush(channel)) {
                break;
            }
        }
        return taken;
    }

    private long wrap(ByteBuffer[] srcs) throws IOException {
        while (true) {
            SSLEngineResult result = engine.wrap(srcs, netOut);
            switch (result.getStatus()) {
                case OK -> {
                    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    return result.bytesConsumed();
                }
                case BUFFER_OVERFLOW -> netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                case CLOSED -> throw new EOFException("the TLS connection is closed; cannot write");
                case BUFFER_UNDERFLOW -> throw new AssertionError("wrap never underflows");
                default -> throw new AssertionError(result.getStatus());
            }
        }
    }

    /** Writes pending ciphertext; true when none is left. */
    boolean flush(SocketChannel channel) throws IOException {
        if (netOut.position() == 0) {
            return true;
        }
        netOut.flip();
        try {
            channel.write(netOut);
        } finally {
            netOut.compact();
        }
        return netOut.position() == 0;
    }

    /** Whether ciphertext is waiting for the channel. */
    boolean hasPendingOutput() {
        return netOut.position() > 0;
    }

    /** Queues close_notify (RFC 8446 §6.1) and tries to write it. */
    void closeOutbound(SocketChannel channel) {
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), netOut);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                } else if (result.bytesProduced() == 0) {
                    break;
                }
            }
            flush(channel);
        } catch (IOException e) {
            // best effort: the connection is closing anyway
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + atLeast));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    private static long remaining(ByteBuffer[] srcs) {
        long total = 0;
        for (ByteBuffer src : srcs) {
            total += src.remaining();
        }
        return total;
    }
}
