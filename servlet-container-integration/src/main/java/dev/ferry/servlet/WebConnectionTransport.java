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
 * Reading happens on the container's threads only: {@code onDataAvailable} pulls everything the stream has (until
 * {@code isReady()} is false, which arms the next callback) into an inbox and {@link #read} takes from it, so no
 * other thread touches the input stream while the container may be dispatching. Tomcat 11 re-arms read interest
 * after every upgraded dispatch and calls {@code isReadyForRead()}, which fills and flips its unlocked socket read
 * buffer, before each {@code onDataAvailable}: a pull from a driver thread at that moment corrupts or reorders
 * bytes. So the inbox never pauses pulling (a paused pull would have to resume off the container's thread); it
 * grows instead, from 64 KiB up to {@link #INBOX_LIMIT}, and bytes the application leaves unread past that limit end
 * the connection. Writing happens on the driver's threads, which servlet containers
 * support. The servlet contract and the transport contract meet in two small state machines, one per direction,
 * each a pair of flags under one lock:
 * <pre>
 *              container says ready                 driver demands
 *   IDLE ------------------------------&gt; READY ----------------------&gt; IDLE (onReadable/onWritable
 *   IDLE ------------------------------&gt; DEMANDED --container ready--&gt; IDLE  via the executor, or on
 *                driver demands                                                the container's thread)
 * </pre>
 * The container calls {@code onDataAvailable}/{@code onWritePossible} only after {@code isReady()} returned
 * false (or once at the start). When the last {@code isReady()} said false and no callback has come since, a
 * demand just waits for it: asking the stream again from another thread could race with the container's own
 * dispatch (Tomcat's streams are not meant for that). Otherwise a demand asks {@code isReady()}: true means the
 * driver can go on at once; false arms the container's callback. A readiness found inside {@link #demandRead}/{@link #demandWrite}
 * is reported from the executor, never on the demanding thread (the {@link Transport} contract).
 *
 * <p>Every write is followed by a {@code flush()} when the stream is ready, so nothing waits in a container's
 * aggregation buffer. {@link #close()} waits for a pending write to finish before closing the connection.
 *
 * <p>Thread contract: as {@link Transport}. The servlet callbacks run on container threads.
 *
 * <p>Buffers: {@link #read} copies from the inbox into the caller's buffer; {@link #write} hands the container a copy of each buffer,
 * because a pending non-blocking write may keep the array it was given; the caller's buffers are never kept.
 */
final class WebConnectionTransport implements Transport {

    private static final System.Logger LOG = System.getLogger(WebConnectionTransport.class.getName());
    private static final int INBOX = 64 * 1024;
    /** The most received bytes held for a driver that does not read them (a paused application). */
    static final int INBOX_LIMIT = 16 << 20;

    private final WebConnection connection;
    private final ServletInputStream in;
    private final ServletOutputStream out;
    private final boolean secure;
    private final Executor executor;
    private final Object lock = new Object();
    private final byte[] pullScratch = new byte[INBOX]; // the container's read callbacks only
    /** Bytes pulled from the input stream, in read mode; guarded by lock. */
    private ByteBuffer inbox = ByteBuffer.allocate(INBOX).flip();

    private volatile TransportListener listener;
    // Guarded by lock.
    private boolean readDemanded;
    private boolean writable;
    private boolean writeDemanded;
    private boolean writeArmed;
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
        int n = takeFromInbox(dst);
        synchronized (lock) {
            return n == 0 && endOfInput && !inbox.hasRemaining() ? -1 : n;
        }
    }

    private int takeFromInbox(ByteBuffer dst) {
        synchronized (lock) {
            int n = Math.min(inbox.remaining(), dst.remaining());
            ByteBuffer slice = inbox.slice();
            slice.limit(n);
            dst.put(slice);
            inbox.position(inbox.position() + n);
            if (!inbox.hasRemaining() && inbox.capacity() > INBOX) {
                inbox = ByteBuffer.allocate(INBOX).flip(); // a burst is over: give its memory back
            }
            return n;
        }
    }

    /**
     * Moves what the input stream has now into the inbox, until the stream is not ready (which arms the container's
     * next callback) or ends. Runs on the container's thread in {@code onDataAvailable}, never elsewhere.
     */
    private void pull() throws IOException {
        while (true) {
            if (in.isFinished()) {
                markEnd();
                return;
            }
            if (!in.isReady()) {
                return;
            }
            int n;
            try {
                n = in.read(pullScratch, 0, pullScratch.length);
            } catch (java.io.EOFException e) {
                n = -1; // some containers report the peer's end of stream by throwing
            }
            if (n < 0) {
                markEnd();
                return;
            }
            keep(n);
        }
    }

    /** Appends {@code n} bytes of the scratch to the inbox, growing it up to {@link #INBOX_LIMIT}. */
    private void keep(int n) throws IOException {
        synchronized (lock) {
            int unread = inbox.remaining();
            if (unread + n > INBOX_LIMIT) {
                throw new IOException("expected the application to read what arrived, but " + unread
                        + " received bytes are unread and " + n + " more came; at most " + INBOX_LIMIT + " are held");
            }
            if (inbox.capacity() - unread < n) {
                ByteBuffer grown = ByteBuffer.allocate(Math.min(INBOX_LIMIT, Math.max(2 * inbox.capacity(), unread + n)));
                grown.put(inbox).flip();
                inbox = grown;
            }
            inbox.compact();
            inbox.put(pullScratch, 0, n);
            inbox.flip();
        }
    }

    private void markEnd() {
        synchronized (lock) {
            endOfInput = true;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        throwIfFailed();
        long total = 0;
        for (ByteBuffer src : srcs) {
            while (src.hasRemaining()) {
                boolean ready = out.isReady();
                synchronized (lock) {
                    writeArmed = !ready;
                }
                if (!ready) {
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
            if (inbox.hasRemaining() || endOfInput) {
                executor.execute(this::fireReadable);
                return;
            }
            // The inbox is empty, so the last pull ended on a stream that was not ready: the container's callback
            // is armed. Asking the stream again from this thread could race with the container's dispatch.
            readDemanded = true;
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
            if (writeArmed) {
                return; // the container's callback is on its way; asking again could race with it
            }
        }
        if (out.isReady()) {
            writableNow();
        }
    }

    /** A write demand found the stream ready itself: report it from the executor if the demand is still open. */
    private void writableNow() {
        synchronized (lock) {
            if (!writeDemanded) {
                return; // the container's callback took it meanwhile
            }
            writeDemanded = false;
        }
        executor.execute(this::fireWritable);
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

    /** The container's read callbacks: pull what is there, then answer a waiting demand. */
    private final class Reading implements ReadListener {
        @Override
        public void onDataAvailable() throws IOException {
            pull();
            arrived();
        }

        @Override
        public void onAllDataRead() {
            markEnd();
            arrived();
        }

        private void arrived() {
            boolean fire;
            synchronized (lock) {
                fire = readDemanded && (inbox.hasRemaining() || endOfInput);
                readDemanded &= !fire;
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
                writeArmed = false;
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
