package dev.ferry.servlet;

import dev.ferry.transport.Scheduler;
import dev.ferry.transport.Transport;
import dev.ferry.transport.TransportListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A {@link Transport} over an upgraded servlet connection, with non-blocking servlet I/O: the
 * {@link WebConnection}'s streams are read and written only when {@code isReady()} says so, and the
 * container's {@link ReadListener} and {@link WriteListener} callbacks answer the driver's demands. No
 * thread waits on an idle connection, and an idle connection holds no buffer.
 *
 * <h2>Reading</h2>
 * Bytes go through an inbox that {@link #read} takes from. Arrays come from {@link ScratchPool}: the first array read
 * becomes the inbox itself (no copy), and the inbox goes back to the pool as soon as the driver has taken everything,
 * so an idle connection holds no array. How the stream is read depends on the container ({@link ReadResumption}).
 *
 * <p>On a container that keeps the servlet contract ({@link ReadResumption#CALLER_READS}) the stream is read on
 * demand, the way the driver asks for bytes: the container's {@code onDataAvailable} reads once into the inbox, and
 * when the driver has taken the inbox, its next {@link #read} asks {@code isReady()} and reads the stream itself, on
 * the driver's thread. Only a {@code false} from {@code isReady()} arms the container's next callback, and it is
 * asked only once the driver wants more, after it has handled (and typically answered) what came before: by then the
 * peer's next bytes have often arrived, so a busy connection is read in one go on one thread, without the
 * container arming its selector and dispatching a thread for every read. While the application is slower than the
 * peer nothing is read past one array and no callback is armed, so the container stops reading the socket and TCP
 * pushes back on the peer.
 * <pre>
 *            isReady() false (read found the inbox empty)
 *   READY ---------------------------------------------&gt; ARMED
 *     ^                                                   |
 *     +------ onDataAvailable: one read into the inbox ---+
 * </pre>
 * Where the container's adapter hands over the connection's bytes as a {@link ConnectionInput} (Jetty 12.1, through
 * {@code dev.ferry.servlet.jetty.UpgradedInputFix}), the transport reads that instead of the servlet input stream, in
 * the same way: a read that finds nothing demands the connection's next callback, which reads once. The servlet
 * stream and its {@code ReadListener} stay unused, and with them the container's locks and state machine around
 * each read, which another thread's callback would otherwise wait on when the peer answers quickly. Where it also
 * hands over a {@link ConnectionOutput}, the transport writes that stream instead of the upgraded output stream, with
 * the same non-blocking contract and none of the servlet response's write path.
 * <p>On a container that calls back whenever the socket has bytes ({@link ReadResumption#CONTAINER_REDISPATCHES}),
 * only its callbacks read: {@code onDataAvailable} pulls until the stream is not ready or {@link #PAUSE_AT} unread
 * bytes wait; then the pull stops (without asking {@code isReady()}), and when the driver has taken the inbox below
 * {@link #RESUME_BELOW}, reading resumes:
 * <pre>
 *            inbox reaches PAUSE_AT                  driver takes it below RESUME_BELOW
 *   PULLING -----------------------&gt; PAUSED ---------------------------------------&gt; PULLING
 *      ^                               |     the next callback pulls; what the container offered
 *      |   isReady() false             |     while paused is read once on the executor
 *   ARMED &lt;--(callback pulls)          |
 *                                 callback while paused: wait up to PAUSED_CALLBACK_WAIT for the
 *                                 resume, else leave its bytes offered
 * </pre>
 *
 * <h2>Writing</h2>
 * Writing happens on the driver's threads, which servlet containers support. A heap buffer's array is written as
 * it is; when the stream is not ready after that write, the container may still hold the array (Jetty's pending
 * non-blocking write does), so those bytes are reported as not yet taken and counted, without writing them again,
 * on the next call once the stream is ready: the caller keeps its buffer until then. A frame's buffers that
 * together fit in {@link #GATHER} bytes (header and payload) are copied into one pooled array and written at once;
 * a direct buffer is copied through a pooled array. A pooled array the container may still hold is never given
 * back. Larger writes, on a container whose stream writes a direct buffer in one go ({@link DirectOutput}: Jetty
 * 12.1, whose output writes a large array in slices of its buffer size, one socket write each, 64 per MiB), are
 * copied into pooled direct pieces of {@link ScratchPool#PIECE} bytes, each written whole and counted as taken at
 * once; a piece the container still holds goes back to the pool when the stream is next found ready or the container
 * calls {@code onWritePossible}, so an idle connection keeps none. Each call ends with one {@code flush()} when the
 * stream allows, so nothing waits in a container's aggregation buffer; but for the connection's last bytes
 * ({@link #writeLast}) on a container whose close sends what the stream holds together with the end of the stream
 * ({@link LastWrite#LEFT_TO_CLOSE}): the close that follows sends them, in one pass instead of two. {@link #close()}
 * waits for a pending write to finish before closing the connection, for at most the close grace: a peer that stopped
 * reading would otherwise keep the connection forever.
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
 * <p>Thread contract: as {@link Transport}. The servlet callbacks run on container threads; one pull runs at a
 * time (a container callback, a {@link #read} on the driver's thread, or a resumption on the executor).
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
    /** Unread bytes at which pulling stops until the driver catches up. */
    static final int PAUSE_AT = 64 * 1024;
    /** Unread bytes below which pulling resumes. */
    static final int RESUME_BELOW = 16 * 1024;
    /** Buffers of one write that together fit in this many bytes are gathered into one container write. */
    static final int GATHER = 8 * 1024;
    /** How long a container callback that came while paused waits for the resumption before it returns. */
    private static final long PAUSED_CALLBACK_WAIT_MILLIS = 10;

    /** Bytes of a caller's heap buffer written from its array that a pending container write may still hold. */
    private record Lent(ByteBuffer buffer, int length) { }

    private final WebConnection connection;
    private final ServletInputStream in;
    /** The connection's bytes from the container's adapter, read instead of {@link #in}; null when none. */
    private final ConnectionInput connectionInput;
    /** What {@link #connectionInput} calls back when its demand is met. */
    private final Runnable connectionReadable;
    private final ServletOutputStream out;
    private final boolean secure;
    private final Executor executor;
    private final ReadResumption resumption;
    private final LastWrite lastWrite;
    private final Scheduler scheduler;
    private final Duration closeGrace;
    private final Object lock = new Object();
    private final Object pulling = new Object(); // a monitor: a ReentrantLock would cost 32 more bytes a connection

    private volatile TransportListener listener;
    /** The stream large writes go to as direct pieces ({@link DirectOutput}); null: none. */
    private final ServletOutputStream direct;
    /** Whether {@link #out} is a {@link ConnectionOutput}'s stream rather than the container's upgraded output. */
    private final boolean writesConnectionOutput;
    /** Written by {@link #write} only (never concurrent with itself). */
    private Lent lent;
    /** Whether the last piece {@link #write} wrote is still being written by the container; by {@code write} only. */
    private boolean piecePending;
    // Guarded by lock.
    /** The direct piece a container write may still be writing; given back once the stream is ready again. */
    private ByteBuffer heldPiece;
    /** An array of bytes pulled from the input stream; null when none wait. */
    private byte[] inbox;
    /** The unread bytes of {@link #inbox}: from here... */
    private int inboxStart;
    /** ...to here (an array and two ints rather than a buffer wrapped around it per read). */
    private int inboxEnd;
    /**
     * Whether the last {@code isReady()} of the input said false (or the container's first callback is still to come)
     * and no callback has come since: only the container's callback may then touch the input stream.
     */
    private boolean readArmed = true;
    private boolean paused;
    private boolean offered;
    private boolean takeOffered;
    private boolean readDemanded;
    private boolean writable;
    private boolean writeDemanded;
    private boolean writeArmed;
    private boolean endOfInput;
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
        this.connectionInput = connectionInput;
        this.resumption = connectionInput != null ? ReadResumption.CALLER_READS : traits.readResumption();
        this.lastWrite = traits.lastWrite();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.closeGrace = Objects.requireNonNull(closeGrace, "closeGrace");
        this.in = connection.getInputStream();
        this.writesConnectionOutput = connectionOutput != null;
        this.out = writesConnectionOutput ? connectionOutput : connection.getOutputStream();
        // A connection output writes a buffer whole (ConnectionOutput): no need to look for the stream that does, whose
        // one-class cache would otherwise swap between it and the container's stream on a server with both kinds.
        this.direct = writesConnectionOutput ? connectionOutput : DirectOutput.of(out, traits.unwrapsOutput());
        Reading reading = new Reading();
        this.connectionReadable = connectionInput == null ? null : () -> {
            try {
                reading.onDataAvailable();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        };
        if (connectionInput == null) {
            in.setReadListener(reading);
        }
        out.setWriteListener(new Writing());
        if (connectionInput != null) {
            connectionInput.demand(connectionReadable); // the first callback, as setReadListener brings the stream's
        }
    }

    @Override
    public void start(TransportListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    // ------------------------------------------------------------------ reading

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throwIfFailed();
        Runnable resume;
        int n;
        boolean pullNow;
        synchronized (lock) {
            n = take(dst);
            resume = n > 0 ? resumeIfCaughtUp() : null;
            pullNow = n == 0 && mayPullNow();
            if (n == 0 && inbox == null && endOfInput) {
                n = -1;
            }
        }
        if (resume != null) {
            executor.execute(resume);
        }
        return pullNow ? pullThenTake(dst) : n;
    }

    /**
     * Whether {@link #read} may read the stream itself: a {@link ReadResumption#CALLER_READS} container whose stream
     * was last seen ready (no callback armed) and nothing waits in the inbox. Under lock.
     */
    private boolean mayPullNow() {
        return resumption == ReadResumption.CALLER_READS && !readArmed && inbox == null && !endOfInput
                && failure == null && !closed;
    }

    /**
     * Reads the stream on the driver's thread (see {@link ReadResumption#CALLER_READS}): one read when it is ready,
     * else the container's next callback is armed and nothing is read. A failure here is the driver's to report:
     * it is recorded and thrown, never reported through the listener from inside {@link #read}.
     */
    private int pullThenTake(ByteBuffer dst) throws IOException {
        boolean demand = false;
        synchronized (pulling) {
            boolean pull;
            synchronized (lock) {
                pull = mayPullNow(); // a container callback may have come first and filled the inbox
            }
            if (pull) {
                try {
                    demand = pullOnce();
                } catch (IOException | RuntimeException e) {
                    synchronized (lock) {
                        if (failure == null && !closed) {
                            failure = e;
                        }
                    }
                    throw e instanceof IOException io ? io : new IOException("reading the upgraded connection failed: "
                            + e, e);
                }
            }
        }
        if (demand) {
            connectionInput.demand(connectionReadable);
        }
        synchronized (lock) {
            int n = take(dst);
            return n == 0 && inbox == null && endOfInput ? -1 : n;
        }
    }

    /**
     * One step of pulling on demand: the end of the stream, one read into the inbox when the stream is ready, or,
     * when it is not, a note that the container's callback is armed (asking {@code isReady()} armed it). Under
     * {@link #pulling}, so a callback armed here waits for the note before it clears it.
     *
     * @return whether the caller must now ask {@link #connectionInput} for its next callback, once out of
     *         {@link #pulling}: that callback may come on another thread at once, and must not wait for this one
     */
    private boolean pullOnce() throws IOException {
        if (connectionInput != null) {
            return pullConnectionOnce();
        }
        if (in.isFinished()) {
            markEnd();
            return false;
        }
        if (!in.isReady()) {
            synchronized (lock) {
                readArmed = true;
            }
            return false;
        }
        byte[] next = readOnce(ScratchPool.borrow());
        if (next != null) {
            ScratchPool.giveBack(next);
        }
        return false;
    }

    /** {@link #pullOnce} from {@link #connectionInput}: one read; one that finds nothing arms the next callback. */
    private boolean pullConnectionOnce() throws IOException {
        byte[] scratch = ScratchPool.borrow();
        int n;
        try {
            n = connectionInput.read(scratch);
        } catch (IOException | RuntimeException e) {
            ScratchPool.giveBack(scratch);
            throw e;
        }
        if (n <= 0) {
            ScratchPool.giveBack(scratch);
            if (n < 0) {
                markEnd();
                return false;
            }
            synchronized (lock) {
                readArmed = true; // before the demand: its callback clears it
            }
            return true;
        }
        synchronized (lock) {
            ScratchPool.giveBack(keep(scratch, n));
        }
        return false;
    }

    /** Moves unread bytes into {@code dst}; an emptied inbox goes back to the pool. Under lock. */
    private int take(ByteBuffer dst) {
        if (inbox == null) {
            return 0;
        }
        int n = Math.min(inboxEnd - inboxStart, dst.remaining());
        dst.put(inbox, inboxStart, n);
        inboxStart += n;
        if (inboxStart == inboxEnd) {
            ScratchPool.giveBack(inbox);
            inbox = null;
        }
        return n;
    }

    private int unread() {
        return inbox == null ? 0 : inboxEnd - inboxStart;
    }

    /** Ends a pause once the driver has caught up; returns what the executor must run to go on, if anything. */
    private Runnable resumeIfCaughtUp() {
        if (!paused || unread() >= RESUME_BELOW) {
            return null;
        }
        paused = false;
        lock.notifyAll(); // a container callback waiting in a pause goes on pulling itself
        if (offered) {
            offered = false;
            takeOffered = true;
            return this::takeOfferedOnExecutor;
        }
        return null; // the container calls back when the socket has bytes
    }

    /** Reads, once, what the container offered while paused (see {@link ReadResumption#CONTAINER_REDISPATCHES}). */
    private void takeOfferedOnExecutor() {
        synchronized (pulling) {
            try {
                synchronized (lock) {
                    if (!takeOffered) {
                        return; // a container callback came first and took it
                    }
                    takeOffered = false;
                }
                readOnce(ScratchPool.borrow());
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            }
        }
        arrived();
    }

    /**
     * Moves what the input stream has into the inbox, until the stream is not ready (which arms the container's next
     * callback), ends, or {@link #PAUSE_AT} bytes wait. Under {@link #pulling}.
     */
    private void pull() throws IOException {
        byte[] scratch = ScratchPool.borrow();
        while (scratch != null) {
            if (in.isFinished()) {
                markEnd();
                ScratchPool.giveBack(scratch);
                return;
            }
            if (!in.isReady()) {
                ScratchPool.giveBack(scratch);
                return;
            }
            scratch = readOnce(scratch);
        }
    }

    /**
     * One read into {@code scratch}, kept in the inbox. Under {@link #pulling}.
     *
     * @return the array for the next read, or null when pulling must stop (the end, or a pause)
     */
    private byte[] readOnce(byte[] scratch) throws IOException {
        int n;
        try {
            n = in.read(scratch, 0, scratch.length);
        } catch (java.io.EOFException e) {
            n = -1; // some containers report the peer's end of stream by throwing
        } catch (IOException | RuntimeException e) {
            ScratchPool.giveBack(scratch);
            throw e;
        }
        if (n < 0) {
            ScratchPool.giveBack(scratch);
            markEnd();
            return null;
        }
        synchronized (lock) {
            byte[] next = n == 0 ? scratch : keep(scratch, n);
            if (unread() >= PAUSE_AT) {
                paused = true;
                ScratchPool.giveBack(next);
                return null;
            }
            return next;
        }
    }

    /**
     * Appends {@code n} bytes of {@code scratch} to the inbox: an empty inbox becomes the scratch itself. Under lock.
     *
     * @return the array for the next read (a fresh one when the scratch became the inbox)
     */
    private byte[] keep(byte[] scratch, int n) {
        if (inbox == null) {
            inbox = scratch;
            inboxStart = 0;
            inboxEnd = n;
            return ScratchPool.borrow();
        }
        if (inbox.length - inboxEnd < n) {
            int unread = inboxEnd - inboxStart;
            byte[] into = inbox.length - unread >= n ? inbox : new byte[Math.max(2 * inbox.length, unread + n)];
            System.arraycopy(inbox, inboxStart, into, 0, unread);
            if (into != inbox) {
                ScratchPool.giveBack(inbox);
                inbox = into;
            }
            inboxStart = 0;
            inboxEnd = unread;
        }
        System.arraycopy(scratch, 0, inbox, inboxEnd, n);
        inboxEnd += n;
        return scratch;
    }

    private void markEnd() {
        synchronized (lock) {
            endOfInput = true;
        }
    }

    /** Answers a waiting read demand once bytes or the end are there. */
    private void arrived() {
        boolean fire;
        synchronized (lock) {
            fire = readDemanded && (inbox != null || endOfInput);
            readDemanded &= !fire;
        }
        if (fire) {
            fireReadable();
        }
    }

    // ------------------------------------------------------------------ writing

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, true);
    }

    /** See {@link LastWrite}: on a container whose close sends what the stream holds, the close pushes these bytes. */
    @Override
    public long writeLast(ByteBuffer[] srcs) throws IOException {
        return write(srcs, lastWrite == LastWrite.FLUSHED);
    }

    /** Writes what the stream takes now; {@code flush}: end with a {@code flush()} when the stream allows. */
    private long write(ByteBuffer[] srcs, boolean flush) throws IOException {
        throwIfFailed();
        long total = 0;
        int next = 0;
        boolean ready = outReady();
        if (lent != null) {
            if (!ready) {
                return 0;
            }
            while (next < srcs.length && !srcs[next].hasRemaining()) {
                next++;
            }
            if (next == srcs.length || srcs[next] != lent.buffer() || srcs[next].remaining() < lent.length()) {
                throw new IllegalStateException("expected the write to go on with the buffer whose " + lent.length()
                        + " bytes the container took, got other buffers (Transport.write: a short write goes on"
                        + " where it stopped)");
            }
            srcs[next].position(srcs[next].position() + lent.length());
            total += lent.length();
            lent = null;
        }
        long remaining = 0;
        int buffers = 0;
        for (int i = next; i < srcs.length; i++) {
            remaining += srcs[i].remaining();
            buffers += srcs[i].hasRemaining() ? 1 : 0;
        }
        if (buffers > 1 && remaining <= GATHER && ready) {
            byte[] gathered = ScratchPool.borrow();
            int n = 0;
            for (int i = next; i < srcs.length; i++) {
                int k = srcs[i].remaining();
                srcs[i].get(gathered, n, k);
                n += k;
            }
            out.write(gathered, 0, n);
            total += n;
            ready = outReady();
            if (ready) {
                ScratchPool.giveBack(gathered); // else the container may still hold it
            }
        } else if (direct != null && remaining > GATHER && ready) {
            total += writePieces(srcs, next);
            ready = !piecePending;
        } else {
            for (int i = next; i < srcs.length && ready; i++) {
                ByteBuffer src = srcs[i];
                while (src.hasRemaining() && ready) {
                    if (src.hasArray()) {
                        int n = src.remaining();
                        out.write(src.array(), src.arrayOffset() + src.position(), n);
                        ready = outReady();
                        if (!ready) {
                            lent = new Lent(src, n); // taken, but counted once the container is done with it
                            return total;
                        }
                        src.position(src.position() + n);
                        total += n;
                    } else {
                        byte[] copy = ScratchPool.borrow();
                        int n = Math.min(copy.length, src.remaining());
                        src.get(copy, 0, n);
                        out.write(copy, 0, n);
                        total += n;
                        ready = outReady();
                        if (ready) {
                            ScratchPool.giveBack(copy);
                        }
                    }
                }
            }
        }
        if (total > 0 && ready && flush) {
            out.flush();
        }
        return total;
    }

    /**
     * Copies {@code srcs} from {@code next} into direct pieces, each written to {@link #direct} in one go, while the
     * stream stays ready; returns the bytes taken (all copied, so all taken). A piece the stream is not done with stays
     * in {@link #heldPiece} ({@link #piecePending}) until it is.
     */
    private long writePieces(ByteBuffer[] srcs, int next) throws IOException {
        long taken = 0;
        int i = next;
        piecePending = false;
        while (i < srcs.length) {
            ByteBuffer piece = ScratchPool.borrowPiece();
            while (i < srcs.length && piece.hasRemaining()) {
                ByteBuffer src = srcs[i];
                int n = Math.min(src.remaining(), piece.remaining());
                piece.put(piece.position(), src, src.position(), n);
                piece.position(piece.position() + n);
                src.position(src.position() + n);
                if (!src.hasRemaining()) {
                    i++;
                }
            }
            piece.flip();
            taken += piece.remaining();
            synchronized (lock) {
                heldPiece = piece; // before the write: the container's onWritePossible may come before it returns
            }
            direct.write(piece);
            if (!outReady()) { // else outReady() gave the piece back
                piecePending = true;
                return taken;
            }
        }
        return taken;
    }

    /** Asks the output stream whether it is ready; false arms the container's {@code onWritePossible}. */
    private boolean outReady() {
        boolean ready = out.isReady();
        ByteBuffer done = null;
        synchronized (lock) {
            writeArmed = !ready;
            if (ready) {
                done = heldPiece;
                heldPiece = null;
            }
        }
        if (done != null) {
            ScratchPool.giveBackPiece(done); // the container is done with it
        }
        return ready;
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
            if (failure != null) {
                Throwable cause = failure;
                executor.execute(() -> listener.onTransportError(cause));
                return;
            }
            if (inbox != null || endOfInput || mayPullNow()) {
                executor.execute(this::fireReadable);
                return;
            }
            // The inbox is empty and the container's callback is armed (the last isReady() said false), or a
            // CONTAINER_REDISPATCHES container calls back when bytes arrive: wait for it. Asking the stream again
            // from this thread could race with the container's dispatch.
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
            // false: a write is pending, and onWritePossible closes when it is done; a failed stream has none
            now = failure != null || out.isReady();
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

    private void closeConnection() {
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
        if (!writesConnectionOutput) { // a connection output ends with the container's close, and is no Tomcat stream
            WriteDispatch.requestAfterClose(out); // Tomcat ends a closed connection only in a dispatch of its own
        }
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
            lock.notifyAll(); // a callback waiting in a pause
            current = readDemanded || writeDemanded ? listener : null;
            readDemanded = false;
            writeDemanded = false;
        }
        if (current != null) {
            current.onTransportError(cause);
        }
    }

    /**
     * The container's read callbacks: pull what is there, then answer a waiting demand. A callback that comes while
     * paused (only a {@link ReadResumption#CONTAINER_REDISPATCHES} container calls then) waits a little for the
     * driver to catch up, so the container does not spin dispatching it while the socket has bytes, and otherwise
     * leaves the bytes the container offered where they are.
     */
    private final class Reading implements ReadListener {
        @Override
        public void onDataAvailable() throws IOException {
            if (resumption == ReadResumption.CALLER_READS) {
                boolean demand = false;
                synchronized (pulling) {
                    boolean pull;
                    synchronized (lock) {
                        readArmed = false;
                        pull = inbox == null;
                    }
                    if (pull) {
                        demand = pullOnce(); // one read; the driver reads on itself once it has taken it
                    }
                }
                if (demand) {
                    connectionInput.demand(connectionReadable);
                }
                arrived();
                return;
            }
            synchronized (pulling) {
                synchronized (lock) {
                    takeOffered = false; // this callback takes whatever the container has
                    offered = false;
                    if (paused && !awaitResumption()) {
                        offered = true;
                        return;
                    }
                }
                pull();
            }
            arrived();
        }

        /** Waits, bounded, until the pause ends or the connection does. Under lock. */
        private boolean awaitResumption() {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                    PAUSED_CALLBACK_WAIT_MILLIS);
            long left;
            while (paused && !closed && failure == null && (left = deadline - System.nanoTime()) > 0) {
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return !paused;
        }

        @Override
        public void onAllDataRead() {
            synchronized (lock) {
                readArmed = false;
            }
            markEnd();
            arrived();
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
            ByteBuffer done;
            synchronized (lock) {
                writeArmed = false;
                done = heldPiece; // the container has finished the write that held it
                heldPiece = null;
                closeNow = closeRequested && !closed;
                fire = writeDemanded && !closeNow;
                writeDemanded = false;
                writable = !fire && !closeNow;
            }
            if (done != null) {
                ScratchPool.giveBackPiece(done);
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
