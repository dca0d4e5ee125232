package dev.ferry.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The network side of one upgraded connection, as the connection driver sees it: a non-blocking byte
 * pipe. Implemented by the NIO client (a {@code SocketChannel}, plain or TLS), by the servlet bridge
 * (an upgraded {@code WebConnection} with {@code ReadListener}/{@code WriteListener}) and by the
 * in-memory pipe used in tests.
 *
 * <p>Thread contract: the driver never calls {@link #read} concurrently with itself, nor {@link #write}
 * concurrently with itself; a read and a write may run at the same time on different threads. The
 * transport calls its {@link TransportListener} from its own threads, never two callbacks of the same
 * kind at once, and never from inside {@link #read}, {@link #write}, {@link #demandRead} or
 * {@link #demandWrite} on the calling thread.
 *
 * <p>Buffers passed in stay owned by the caller; the transport copies what it keeps.
 */
public interface Transport {

    /** Installs the listener. Called once, before the first {@link #demandRead}. */
    void start(TransportListener listener);

    /**
     * Reads what is available now into {@code dst} without blocking.
     *
     * @return the number of bytes read; 0 when nothing is available now (call {@link #demandRead} to be
     *         told by {@link TransportListener#onReadable()}); -1 at the end of the stream
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * As {@link #read}, right after the driver wrote its replies to what it read before: the peer may be about to
     * answer. A transport may then, when nothing is there yet, give up the CPU once ({@link Thread#yield()}) and read
     * again before it reports nothing: a peer on this machine that the reply woke, waiting for this very CPU, then
     * answers at once, and the answer is read on this thread instead of after a readiness round trip. A transport that
     * does so should stop while its peer does not answer in that moment (a peer across a network never does), so that
     * it costs such a connection almost nothing. The default reads as {@link #read}.
     *
     * @return as {@link #read}
     */
    default int readAfterReply(ByteBuffer dst) throws IOException {
        return read(dst);
    }

    /**
     * Writes as much of {@code srcs}, in order, as the transport can take now without blocking.
     *
     * @return the number of bytes taken; fewer than remaining means call {@link #demandWrite} and go on
     *         after {@link TransportListener#onWritable()}
     */
    long write(ByteBuffer[] srcs) throws IOException;

    /**
     * Like {@link #write}, for the connection's last bytes (the Close that completes the close handshake): nothing
     * is written after them, and {@link #close} follows as soon as they are all taken. A transport whose close sends
     * what it holds may leave them for the close to send together with the end of the stream, in one pass, instead
     * of pushing them out first. A short write goes on with this method too. The default writes them as any others.
     *
     * @return as {@link #write}
     */
    default long writeLast(ByteBuffer[] srcs) throws IOException {
        return write(srcs);
    }

    /** Asks for one {@link TransportListener#onReadable()} when {@link #read} can make progress (or hit EOF). */
    void demandRead();

    /** Asks for one {@link TransportListener#onWritable()} when {@link #write} can make progress. */
    void demandWrite();

    /** Closes the connection (TCP, after flushing what {@link #write} took). Idempotent. */
    void close();

    /** Whether the connection is encrypted (wss). */
    boolean isSecure();

    /**
     * Whether the threads that call the {@link TransportListener} may run application code that blocks, such as
     * an endpoint's message handler making a blocking send, so that the connection's owner can run its callbacks
     * right there instead of handing them to another thread. True (the default) for callbacks from a pool of
     * worker threads, as a servlet container's are; false for a selector thread that serves many connections.
     *
     * <p>Even when true, a transport may hold back one callback while another of its callbacks runs (servlet
     * containers serialize a connection's read and write callbacks), so code running on a callback thread must
     * never wait for a later callback of the same transport.
     */
    default boolean callbackThreadsMayBlock() {
        return true;
    }
}
