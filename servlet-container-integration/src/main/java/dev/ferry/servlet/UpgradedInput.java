package dev.ferry.servlet;

import dev.ferry.servlet.WebConnectionTransport.ReadResumption;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The reading half of a {@link WebConnectionTransport}: the inbox {@link WebConnectionTransport#read} takes from, the
 * pulls that fill it, and the container's read callbacks ({@link ReadListener}, or a {@link ConnectionInput}'s).
 *
 * <h2>The inbox</h2>
 * Arrays come from {@link ScratchPool}: the first array read becomes the inbox itself (no copy), and the inbox goes
 * back to the pool as soon as the driver has taken everything, so an idle connection holds no array.
 *
 * <h2>Pulling</h2>
 * On a container that keeps the servlet contract ({@link ReadResumption#CALLER_READS}) the stream is read on demand,
 * the way the driver asks for bytes: the container's {@code onDataAvailable} reads once into the inbox, and when the
 * driver has taken the inbox, its next read asks {@code isReady()} and reads the stream itself, on the driver's
 * thread. Only a {@code false} from {@code isReady()} arms the container's next callback, and it is asked only once
 * the driver wants more, after it has handled (and typically answered) what came before: by then the peer's next
 * bytes have often arrived, so a busy connection is read in one go on one thread, without the container arming its
 * selector and dispatching a thread for every read. While the application is slower than the peer nothing is read
 * past one array and no callback is armed, so the container stops reading the socket and TCP pushes back on the peer.
 * <pre>
 *            isReady() false (read found the inbox empty)
 *   READY ---------------------------------------------&gt; ARMED
 *     ^                                                   |
 *     +------ onDataAvailable: one read into the inbox ---+
 * </pre>
 * Where the container's adapter hands over the connection's bytes as a {@link ConnectionInput} (Jetty 12.1, through
 * {@code dev.ferry.servlet.jetty.UpgradedInputFix}), that is read instead of the servlet input stream, in the same
 * way: a read that finds nothing demands the connection's next callback, which reads once. The servlet stream and its
 * {@code ReadListener} stay unused, and with them the container's locks and state machine around each read, which
 * another thread's callback would otherwise wait on when the peer answers quickly.
 *
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
 * <h2>Yielding</h2>
 * A read from a {@link ConnectionInput} right after the driver wrote its replies
 * ({@link WebConnectionTransport#readAfterReply}) that finds nothing gives up the CPU once and reads again before it
 * arms the connection's callback. A peer on this machine that the reply woke often waits for this very CPU (a
 * scheduler often puts a woken thread on its waker's CPU); yielding lets it answer at once, and its answer is read
 * here, where otherwise the callback would bring it after a selector round and a hand-off to another thread. A peer
 * on this machine leaves some yields unanswered, at times many in a row (while it runs on another CPU, say); a peer
 * across a network leaves them all. So a connection may leave {@link #FIRST_YIELD_CREDIT} yields unanswered, and
 * {@link #YIELD_CREDIT} after each answered one; past that, each unanswered yield makes the next ones wait: the next
 * read after a reply does not yield, then two do not, then four, up to {@link #MAX_YIELD_BACKOFF}, until one is
 * answered. A connection whose peer never answers that fast yields on 5 of its first replies and then on one in 65,
 * and a read that finds bytes never yields.
 *
 * <p>Thread contract: as {@link WebConnectionTransport}. The state below is guarded by the transport's lock; one pull
 * runs at a time (a container callback, a read on the driver's thread, or a resumption on the executor), under
 * {@link #pulling}, which is taken before the lock when both are.
 */
final class UpgradedInput implements ReadListener {

    /** Unread bytes at which pulling stops until the driver catches up. */
    static final int PAUSE_AT = 64 * 1024;
    /** Unread bytes below which pulling resumes. */
    static final int RESUME_BELOW = 16 * 1024;
    /** How long a container callback that came while paused waits for the resumption before it returns. */
    private static final long PAUSED_CALLBACK_WAIT_MILLIS = 10;
    /** Unanswered yields a connection may make before the next ones wait, until one is answered (see "Yielding"). */
    static final int FIRST_YIELD_CREDIT = 4;
    /** Unanswered yields a connection may make after an answered one (see "Yielding"). */
    static final int YIELD_CREDIT = 64;
    /** The most reads after a reply that skip the yield after one the peer did not answer (see "Yielding"). */
    static final int MAX_YIELD_BACKOFF = 64;

    private final WebConnectionTransport transport;
    /** The transport's lock, which guards the fields below and the transport's end state. */
    private final Object lock;
    private final ServletInputStream in;
    /** The connection's bytes from the container's adapter, read instead of {@link #in}; null when none. */
    private final ConnectionInput connectionInput;
    /** What {@link #connectionInput} calls back when its demand is met. */
    private final Runnable connectionReadable;
    private final ReadResumption resumption;
    private final Object pulling = new Object(); // a monitor: a ReentrantLock would cost 32 more bytes a connection

    // Guarded by lock.
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
    private boolean endOfInput;
    // Under pulling: yielding to the peer after a reply (see "Yielding").
    /** Reads after a reply still to come that do not yield, after yields the peer did not answer. */
    private byte yieldSkips;
    /** How many reads after a reply the next unanswered yield skips: 1, then twice as many, up to the maximum. */
    private byte yieldBackoff;
    /** Unanswered yields still allowed before the next ones wait; an answered yield restores it. */
    private byte yieldCredit = FIRST_YIELD_CREDIT;

    UpgradedInput(WebConnectionTransport transport, ServletInputStream in, ConnectionInput connectionInput,
                  ReadResumption resumption) {
        this.transport = transport;
        this.lock = transport.lock;
        this.in = in;
        this.connectionInput = connectionInput;
        this.resumption = resumption;
        this.connectionReadable = connectionInput == null ? null : () -> {
            try {
                onDataAvailable();
            } catch (IOException | RuntimeException e) {
                transport.fail(e);
            }
        };
    }

    /** Installs this as the stream's read listener; a {@link ConnectionInput} is asked later ({@link #demandFirst}). */
    void listen() {
        if (connectionInput == null) {
            in.setReadListener(this);
        }
    }

    /** Asks a {@link ConnectionInput} for its first callback, as {@code setReadListener} brings the stream's. */
    void demandFirst() {
        if (connectionInput != null) {
            connectionInput.demand(connectionReadable);
        }
    }

    /**
     * {@link WebConnectionTransport#read}: takes from the inbox, or pulls on the caller's thread when it may;
     * {@code afterReply}: {@link WebConnectionTransport#readAfterReply} (see "Yielding").
     */
    int read(ByteBuffer dst, boolean afterReply) throws IOException {
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
            transport.executor.execute(resume);
        }
        return pullNow ? pullThenTake(dst, afterReply) : n;
    }

    /** {@link WebConnectionTransport#demandRead}, under the transport's lock, once it has found no failure. */
    void demand() {
        if (inbox != null || endOfInput || mayPullNow()) {
            transport.executor.execute(transport::fireReadable);
            return;
        }
        // The inbox is empty and the container's callback is armed (the last isReady() said false), or a
        // CONTAINER_REDISPATCHES container calls back when bytes arrive: wait for it. Asking the stream again from
        // this thread could race with the container's dispatch.
        readDemanded = true;
    }

    /** Under the transport's lock: whether a read demand waited, which is now cleared (the transport has failed). */
    boolean takeDemand() {
        boolean waited = readDemanded;
        readDemanded = false;
        return waited;
    }

    /**
     * Whether {@link #read} may read the stream itself: a {@link ReadResumption#CALLER_READS} container whose stream
     * was last seen ready (no callback armed) and nothing waits in the inbox. Under lock.
     */
    private boolean mayPullNow() {
        return resumption == ReadResumption.CALLER_READS && !readArmed && inbox == null && !endOfInput
                && transport.isOpenUnderLock();
    }

    /**
     * Reads the stream on the driver's thread (see {@link ReadResumption#CALLER_READS}): one read when it is ready,
     * else the container's next callback is armed and nothing is read. A failure here is the driver's to report:
     * it is recorded and thrown, never reported through the listener from inside {@link #read}.
     */
    private int pullThenTake(ByteBuffer dst, boolean afterReply) throws IOException {
        boolean demand = false;
        synchronized (pulling) {
            boolean pull;
            synchronized (lock) {
                pull = mayPullNow(); // a container callback may have come first and filled the inbox
            }
            if (pull) {
                try {
                    demand = pullOnce(afterReply);
                } catch (IOException | RuntimeException e) {
                    transport.recordFailure(e);
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
    private boolean pullOnce(boolean afterReply) throws IOException {
        if (connectionInput != null) {
            return pullConnectionOnce(afterReply);
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

    /**
     * {@link #pullOnce} from {@link #connectionInput}: one read (after a reply, maybe two: see "Yielding"); one that
     * finds nothing arms the next callback.
     */
    private boolean pullConnectionOnce(boolean afterReply) throws IOException {
        byte[] scratch = ScratchPool.borrow();
        int n;
        try {
            n = connectionInput.read(scratch);
            if (n == 0 && afterReply && yieldNow()) {
                Thread.yield();
                n = connectionInput.read(scratch);
                yielded(n != 0);
            }
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

    /** Whether a read after a reply that found nothing yields now, or waits out its backoff. Under {@link #pulling}. */
    private boolean yieldNow() {
        if (yieldSkips > 0) {
            yieldSkips--;
            return false;
        }
        return true;
    }

    /** The read after a yield found bytes ({@code answered}) or none. Under {@link #pulling}. */
    private void yielded(boolean answered) {
        if (answered) {
            yieldCredit = YIELD_CREDIT;
            yieldBackoff = 0;
            return;
        }
        if (yieldCredit > 0) {
            yieldCredit--; // a peer on this machine misses a yield now and then, sometimes several in a row
            return;
        }
        yieldBackoff = (byte) Math.min(Math.max(1, 2 * yieldBackoff), MAX_YIELD_BACKOFF);
        yieldSkips = yieldBackoff;
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
                transport.fail(e);
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
            transport.fireReadable();
        }
    }

    // ------------------------------------------------------------------ the container's read callbacks

    /**
     * Pulls what is there, then answers a waiting demand. A callback that comes while paused (only a
     * {@link ReadResumption#CONTAINER_REDISPATCHES} container calls then) waits a little for the driver to catch up,
     * so the container does not spin dispatching it while the socket has bytes, and otherwise leaves the bytes the
     * container offered where they are.
     */
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
                    demand = pullOnce(false); // one read; the driver reads on itself once it has taken it
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
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PAUSED_CALLBACK_WAIT_MILLIS);
        long left;
        while (paused && transport.isOpenUnderLock() && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
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
        transport.fail(t);
    }
}
