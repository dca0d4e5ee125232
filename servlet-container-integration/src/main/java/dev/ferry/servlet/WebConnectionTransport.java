package dev.ferry.servlet;

import dev.ferry.transport.Scheduler;
import dev.ferry.transport.Transport;
import dev.ferry.transport.TransportListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A {@link Transport} over an upgraded servlet connection, with non-blocking servlet I/O: the
 * {@link WebConnection}'s streams are read and written only when {@code isReady()} says so, and the
 * container's {@code ReadListener} and {@code WriteListener} callbacks answer the driver's demands. No
 * thread waits on an idle connection, and an idle connection holds no buffer.
 *
 * <h2>Reading</h2>
 * {@link UpgradedInput} holds what the container delivered and the driver has not taken, and the container's read
 * callbacks. On a container that keeps the servlet contract ({@link ReadResumption#CALLER_READS}) the driver's own
 * {@link #read} reads the stream when it is ready, and only a stream found not ready arms the container's callback;
 * on one that calls back whenever the socket has bytes ({@link ReadResumption#CONTAINER_REDISPATCHES}) only its
 * callbacks read, and pause while the driver is behind. Where the container's adapter hands over the connection's
 * bytes as a {@link ConnectionInput} (Jetty 12.1), that is read instead of the servlet input stream.
 *
 * <h2>Writing</h2>
 * {@link UpgradedOutput} writes on the driver's threads what the stream takes now and never lets the container keep
 * a caller's array past the call that reports its bytes taken; where the container's adapter hands over a
 * {@link ConnectionOutput}, that stream is written instead of the upgraded output stream, with the same non-blocking
 * contract and none of the servlet response's write path. {@link #close()} waits for a pending write to finish before
 * closing the connection, for at most the close grace: a peer that stopped reading would otherwise keep the
 * connection forever.
 *
 * <h2>Closing</h2>
 * {@link #close()} may come on any thread: a container callback, the driver's timers, the application, the executor.
 * Jetty ends the connection in {@code WebConnection.close()} wherever it is called; Tomcat only when one of its own
 * dispatches for the connection returns, so after the close the transport asks it for one ({@link WriteDispatch}).
 *
 * <h2>Readiness</h2>
 * The servlet contract and the transport contract meet in two small state machines, one per direction:
 * <pre>
 *              container says ready                 driver demands
 *   IDLE ------------------------------&gt; READY ----------------------&gt; IDLE (onReadable/onWritable
 *   IDLE ------------------------------&gt; DEMANDED --container ready--&gt; IDLE  via the executor, or on
 *                driver demands                                                the container's thread)
 * </pre>
 * When the last {@code isReady()} said false and no callback has come since, a demand just waits for it: asking
 * the stream again from another thread could race with the container's own dispatch. A readiness found inside
 * {@link #demandRead}/{@link #demandWrite} is reported from the executor, never on the demanding thread (the
 * {@link Transport} contract).
 *
 * <p>Thread contract: as {@link Transport}. The servlet callbacks run on container threads. One lock, this
 * transport's, guards its end state and the state of both halves, so a failure or a close reaches both at once; one
 * pull runs at a time ({@link UpgradedInput}).
 *
 * <p>Buffers: {@link #read} copies from the inbox into the caller's buffer; {@link #write} never lets the container
 * keep a caller's array past the call that reports its bytes taken.
 */
final class WebConnectionTransport implements Transport {

    /**
     * How a container brings its read callback back after the transport stopped reading while the stream was still
     * ready (a paused application).
     */
    enum ReadResumption {
        /**
         * The servlet contract (Jetty 12.1): {@code onDataAvailable} comes only after {@code isReady()} returned
         * false, and the stream may be read from any thread, one reader at a time. The driver's {@link #read} reads
         * the stream itself once the inbox is empty.
         */
        CALLER_READS,
        /**
         * Tomcat 11's upgraded input: after every read dispatch it watches the socket again and calls
         * {@code onDataAvailable} whenever the socket has bytes, whatever {@code isReady()} said; its dispatch first
         * fills an unlocked socket buffer, so reading the stream off its thread may race with it. A resumption leaves
         * new bytes to the container's next callback; bytes the container offered in a callback while paused (which
         * sit in its own buffer, not in the socket, so no callback would come for them) are read once on the
         * executor, which takes them from that buffer without touching the socket. The pull reads
         * {@link ScratchPool#SIZE} bytes at a time, at least Tomcat's 8 KiB read buffer, so a read leaves nothing
         * behind in it.
         */
        CONTAINER_REDISPATCHES
    }

    /** What a container's output close does with bytes the stream holds, which decides how the last write ends. */
    enum LastWrite {
        /**
         * Jetty 12.1: a small write is aggregated, and the output's close sends the aggregate together with the end of
         * the stream in one non-blocking pass (while an earlier write is pending, once it completes). So the last
         * write ({@link #writeLast}) is not flushed: {@link #close()} sends it.
         */
        LEFT_TO_CLOSE,
        /**
         * Tomcat 11, and a container we have not tried: its non-blocking close flushes once without arming a write
         * callback, so bytes the socket could not take then might never go out. The last write is flushed like any
         * other, and {@link #close()} waits for it when the stream is not ready.
         */
        FLUSHED
    }

    private static final System.Logger LOG = System.getLogger(WebConnectionTransport.class.getName());

    private final WebConnection connection;
    private final boolean secure;
    /** Runs readiness found by a demand (never on the demanding thread) and read resumptions. */
    final Executor executor;
    private final Scheduler scheduler;
    private final Duration closeGrace;
    /** Guards the end state below and the state of both halves, which take it too. */
    final Object lock = new Object();
    private final UpgradedInput input;
    private final UpgradedOutput output;
    private volatile TransportListener listener;
    // Guarded by lock.
    private boolean closeRequested;
    private boolean closed;
    /** The close grace of a write pending at {@link #close()}; null when none runs. */
    private Scheduler.Cancellable graceTimer;
    private Throwable failure;

    /**
     * Takes over {@code connection}'s streams. Call from {@code HttpUpgradeHandler.init}, on the container's
     * thread: it installs the read and write listeners.
     *
     * @param connectionInput  the connection's bytes from the container's adapter ({@link ConnectionInput}), or null:
     *                   the upgraded input stream is read
     * @param connectionOutput the stream that writes the connection straight ({@link ConnectionOutput}), or null: the
     *                   upgraded output stream is written
     * @param secure     whether the upgraded request came over TLS
     * @param executor   runs readiness found by a demand (never the demanding thread) and read resumptions
     * @param traits     the container's: how its read callback comes back after a pause, whether its close sends the
     *                   last write's bytes unflushed, and whether its upgraded output may be unwrapped for large writes
     * @param scheduler  runs the close grace
     * @param closeGrace how long {@link #close()} waits for a pending write before it closes the connection anyway
     */
    WebConnectionTransport(WebConnection connection, ConnectionInput connectionInput,
                           ServletOutputStream connectionOutput, boolean secure, Executor executor,
                           ContainerTraits traits, Scheduler scheduler, Duration closeGrace) throws IOException {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.secure = secure;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.closeGrace = Objects.requireNonNull(closeGrace, "closeGrace");
        this.input = new UpgradedInput(this, connection.getInputStream(), connectionInput,
                connectionInput != null ? ReadResumption.CALLER_READS : traits.readResumption());
        this.output = new UpgradedOutput(this, connection, connectionOutput, traits.lastWrite(),
                traits.unwrapsOutput());
        input.listen();
        output.listen();
        input.demandFirst();
    }

    @Override
    public void start(TransportListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throwIfFailed();
        return input.read(dst, false);
    }

    /** See {@link UpgradedInput}, "Yielding": on a connection read through a {@link ConnectionInput}. */
    @Override
    public int readAfterReply(ByteBuffer dst) throws IOException {
        throwIfFailed();
        return input.read(dst, true);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        throwIfFailed();
        return output.write(srcs);
    }

    /** See {@link LastWrite}: on a container whose close sends what the stream holds, the close pushes these bytes. */
    @Override
    public long writeLast(ByteBuffer[] srcs) throws IOException {
        throwIfFailed();
        return output.writeLast(srcs);
    }

    private void throwIfFailed() throws IOException {
        Throwable cause;
        synchronized (lock) {
            cause = failure;
        }
        if (cause != null) {
            throw cause instanceof IOException io ? io
                    : new IOException("the upgraded connection failed: " + cause, cause);
        }
    }

    @Override
    public void demandRead() {
        synchronized (lock) {
            if (!reportedFailure()) {
                input.demand();
            }
        }
    }

    @Override
    public void demandWrite() {
        boolean ask;
        synchronized (lock) {
            ask = !reportedFailure() && output.demand();
        }
        if (ask) {
            output.askStream();
        }
    }

    /** A demand on a failed transport: reports the failure from the executor. Under lock. */
    private boolean reportedFailure() {
        if (failure == null) {
            return false;
        }
        Throwable cause = failure;
        executor.execute(() -> listener.onTransportError(cause));
        return true;
    }

    /** Whether the connection has neither failed nor closed. Under lock. */
    boolean isOpenUnderLock() {
        return failure == null && !closed;
    }

    /** Whether a close waits for a pending write to end, which has now ended: the connection closes. Under lock. */
    boolean closeWaitsUnderLock() {
        return closeRequested && !closed;
    }

    /** Records a failure of a read on the driver's thread, which the driver reports itself (it is thrown to it). */
    void recordFailure(Throwable cause) {
        synchronized (lock) {
            if (failure == null && !closed) {
                failure = cause;
            }
        }
    }

    @Override
    public void close() {
        boolean now;
        synchronized (lock) {
            if (closed || closeRequested) {
                return;
            }
            closeRequested = true;
            // false: a write is pending, and onWritePossible closes when it is done; a failed stream has none
            now = failure != null || output.isIdle();
        }
        if (now) {
            closeConnection();
            return;
        }
        // A peer that stopped reading would keep the write pending, and the connection open, forever.
        Scheduler.Cancellable timer;
        try {
            timer = scheduler.schedule(this::closeConnection, closeGrace);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            closeConnection(); // the container is shutting down: no time to give
            return;
        }
        synchronized (lock) {
            if (!closed) {
                graceTimer = timer;
                return;
            }
        }
        timer.cancel(); // the write finished meanwhile
    }

    void closeConnection() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll(); // a callback waiting in a pause
        }
        cancelGrace();
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an upgraded connection failed", e);
        }
        output.afterClose();
    }

    /**
     * The container has ended the upgraded connection ({@code HttpUpgradeHandler.destroy}); unless we closed it, the
     * driver hears of it as a transport error.
     */
    void destroyed() {
        cancelGrace(); // the connection is gone: its pending write with it
        synchronized (lock) {
            if (failure != null || closed) {
                return; // the usual case, after our own close: no exception to make
            }
        }
        fail(new java.io.EOFException("the servlet container ended the upgraded connection"));
    }

    /** Calls off the close grace, so the scheduler keeps no ended connection. */
    private void cancelGrace() {
        Scheduler.Cancellable timer;
        synchronized (lock) {
            timer = graceTimer;
            graceTimer = null;
        }
        if (timer != null) {
            timer.cancel();
        }
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    void fireReadable() {
        TransportListener current = listener;
        if (current != null) {
            current.onReadable();
        }
    }

    void fireWritable() {
        TransportListener current = listener;
        if (current != null) {
            current.onWritable();
        }
    }

    /**
     * Records a failure the container reported. The driver hears of it at once only when it waits on a demand;
     * otherwise its next read, write or demand reports it, so no callback reaches it before it asks for one.
     */
    void fail(Throwable cause) {
        TransportListener current;
        synchronized (lock) {
            if (failure != null || closed) {
                return;
            }
            failure = cause;
            lock.notifyAll(); // a callback waiting in a pause
            current = input.takeDemand() | output.takeDemand() ? listener : null; // both cleared
        }
        if (current != null) {
            current.onTransportError(cause);
        }
    }
}
