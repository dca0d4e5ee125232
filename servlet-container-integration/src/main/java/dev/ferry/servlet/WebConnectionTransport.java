package dev.ferry.servlet;

import dev.ferry.transport.Transport;
import dev.ferry.transport.TransportListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A {@link Transport} over an upgraded servlet connection, with non-blocking servlet I/O: the
 * {@link WebConnection}'s streams are read and written only when {@code isReady()} says so, and the
 * container's {@link ReadListener} and {@link WriteListener} callbacks answer the driver's demands. No
 * thread waits on an idle connection.
 *
 * <h2>Theory of operation</h2>
 * The servlet contract and the transport contract meet in two small state machines, one per direction,
 * each a pair of flags under one lock:
 * <pre>
 *              container says ready                 driver demands
 *   IDLE ------------------------------&gt; READY ----------------------&gt; IDLE (onReadable/onWritable
 *   IDLE ------------------------------&gt; DEMANDED --container ready--&gt; IDLE  via the executor, or on
 *                driver demands                                                the container's thread)
 * </pre>
 * The container calls {@code onDataAvailable}/{@code onWritePossible} only after {@code isReady()} returned
 * false (or once at the start), so a demand also asks {@code isReady()}: true means the driver can go on at
 * once; false arms the container's callback. A readiness found inside {@link #demandRead}/{@link #demandWrite}
 * is reported from the executor, never on the demanding thread (the {@link Transport} contract).
 *
 * <p>Every write is followed by a {@code flush()} when the stream is ready, so nothing waits in a container's
 * aggregation buffer. {@link #close()} waits for a pending write to finish before closing the connection.
 *
 * <p>Thread contract: as {@link Transport}. The servlet callbacks run on container threads.
 *
 * <p>Buffers: {@link #read} fills the caller's buffer; {@link #write} hands the container a copy of each buffer,
 * because a pending non-blocking write may keep the array it was given; the caller's buffers are never kept.
 */
final class WebConnectionTransport implements Transport {

    private static final System.Logger LOG = System.getLogger(WebConnectionTransport.class.getName());
    private static final int SCRATCH = 16 * 1024;

    private final WebConnection connection;
    private final ServletInputStream in;
    private final ServletOutputStream out;
    private final boolean secure;
    private final Executor executor;
    private final Object lock = new Object();
    private final byte[] readScratch = new byte[SCRATCH];

    private volatile TransportListener listener;
    // Guarded by lock.
    private boolean readable;
    private boolean readDemanded;
    private boolean writable;
    private boolean writeDemanded;
    private boolean endOfInput;
    private boolean closeRequested;
    private boolean closed;
    private Throwable failure;

    /**
     * Takes over {@code connection}'s streams. Call from {@code HttpUpgradeHandler.init}, on the container's
     * thread: it installs the read and write listeners.
     *
     * @param secure   whether the upgraded request came over TLS
     * @param executor runs readiness found by a demand (never the demanding thread)
     */
    WebConnectionTransport(WebConnection connection, boolean secure, Executor executor) throws IOException {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.secure = secure;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.in = connection.getInputStream();
        this.out = connection.getOutputStream();
        in.setReadListener(new Reading());
        out.setWriteListener(new Writing());
    }

    @Override
    public void start(TransportListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throwIfFailed();
        try {
            return readAvailable(dst);
        } catch (java.io.EOFException e) {
            return -1; // some containers report the peer's end of stream by throwing
        }
    }

    private int readAvailable(ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            if (in.isFinished()) {
                return total > 0 ? total : -1;
            }
            if (!in.isReady()) {
                break; // the container calls onDataAvailable (or onAllDataRead) later
            }
            int n;
            if (dst.hasArray()) {
                n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
            } else {
                n = in.read(readScratch, 0, Math.min(readScratch.length, dst.remaining()));
                if (n > 0) {
                    dst.put(readScratch, 0, n);
                }
            }
            if (n < 0) {
                return total > 0 ? total : -1;
            }
            total += n;
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        throwIfFailed();
        long total = 0;
        for (ByteBuffer src : srcs) {
            while (src.hasRemaining()) {
                if (!out.isReady()) {
                    return total; // the container calls onWritePossible later
                }
                // A copy the container may keep: a pending non-blocking write can hold on to the array it was
                // given (Jetty does) after this call returns, and the caller's buffer goes back to its owner.
                int n = src.remaining();
                byte[] bytes = new byte[n];
                src.get(bytes);
                out.write(bytes);
                total += n;
            }
        }
        if (total > 0 && out.isReady()) {
            out.flush();
        }
        return total;
    }

    private void throwIfFailed() throws IOException {
        Throwable cause;
        synchronized (lock) {
            cause = failure;
        }
        if (cause != null) {
            throw cause instanceof IOException io ? io : new IOException("the upgraded connection failed: " + cause, cause);
        }
    }

    @Override
    public void demandRead() {
        synchronized (lock) {
            if (failure != null) {
                Throwable cause = failure;
                executor.execute(() -> listener.onTransportError(cause));
                return;
            }
            if (readable || endOfInput) {
                readable = false;
                executor.execute(this::fireReadable);
                return;
            }
            readDemanded = true;
        }
        if (in.isFinished() || in.isReady()) {
            readyNow(true);
        }
    }

    @Override
    public void demandWrite() {
        synchronized (lock) {
            if (failure != null) {
                Throwable cause = failure;
                executor.execute(() -> listener.onTransportError(cause));
                return;
            }
            if (writable) {
                writable = false;
                executor.execute(this::fireWritable);
                return;
            }
            writeDemanded = true;
        }
        if (out.isReady()) {
            readyNow(false);
        }
    }

    /** A demand found the stream ready itself: report it from the executor if the demand is still open. */
    private void readyNow(boolean read) {
        synchronized (lock) {
            if (read ? !readDemanded : !writeDemanded) {
                return; // a container callback took it meanwhile
            }
            if (read) {
                readDemanded = false;
            } else {
                writeDemanded = false;
            }
        }
        executor.execute(read ? this::fireReadable : this::fireWritable);
    }

    @Override
    public void close() {
        boolean now;
        synchronized (lock) {
            if (closed || closeRequested) {
                return;
            }
            closeRequested = true;
            now = out.isReady(); // false: a write is pending; onWritePossible closes when it is done
        }
        if (now) {
            closeConnection();
        }
    }

    private void closeConnection() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an upgraded connection failed", e);
        }
    }

    /**
     * The container has ended the upgraded connection ({@code HttpUpgradeHandler.destroy}); unless we closed it, the
     * driver hears of it as a transport error.
     */
    void destroyed() {
        fail(new java.io.EOFException("the servlet container ended the upgraded connection"));
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    private void fireReadable() {
        TransportListener current = listener;
        if (current != null) {
            current.onReadable();
        }
    }

    private void fireWritable() {
        TransportListener current = listener;
        if (current != null) {
            current.onWritable();
        }
    }

    /**
     * Records a failure the container reported. The driver hears of it at once only when it waits on a demand;
     * otherwise its next read, write or demand reports it, so no callback reaches it before it asks for one.
     */
    private void fail(Throwable cause) {
        TransportListener current;
        synchronized (lock) {
            if (failure != null || closed) {
                return;
            }
            failure = cause;
            current = readDemanded || writeDemanded ? listener : null;
            readDemanded = false;
            writeDemanded = false;
        }
        if (current != null) {
            current.onTransportError(cause);
        }
    }

    /** The container's read callbacks. */
    private final class Reading implements ReadListener {
        @Override
        public void onDataAvailable() {
            arrived(false);
        }

        @Override
        public void onAllDataRead() {
            arrived(true);
        }

        private void arrived(boolean end) {
            boolean fire;
            synchronized (lock) {
                endOfInput |= end;
                fire = readDemanded;
                readDemanded = false;
                readable = !fire;
            }
            if (fire) {
                fireReadable();
            }
        }

        @Override
        public void onError(Throwable t) {
            fail(t);
        }
    }

    /** The container's write callbacks. */
    private final class Writing implements WriteListener {
        @Override
        public void onWritePossible() throws IOException {
            boolean fire;
            boolean closeNow;
            synchronized (lock) {
                closeNow = closeRequested && !closed;
                fire = writeDemanded && !closeNow;
                writeDemanded = false;
                writable = !fire && !closeNow;
            }
            if (closeNow) {
                closeConnection();
            } else if (fire) {
                fireWritable();
            }
        }

        @Override
        public void onError(Throwable t) {
            fail(t);
        }
    }
}
