package dev.ferry.transport;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.protocol.WebSocketProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Pumps one open {@link WebSocketHandle} over one {@link Transport}: the {@code getAction}/{@code completeAction}
 * loop of spec §5.8, made non-blocking.
 *
 * <h2>Theory of operation</h2>
 * All work runs in {@link #pump()}, a drain loop that any thread may enter (a transport callback, a sender,
 * a timer) and that at most one thread runs at a time; callers that find it busy leave a note and return.
 * The loop polls the send and receive pipelines separately and completes every action exactly once:
 * <ul>
 *   <li>{@code SEND_TO_NETWORK}: the buffers join a FIFO of writes; a write that the transport takes only in
 *       part waits for {@link TransportListener#onWritable()} and goes on where it stopped; the action is
 *       completed with its total once every byte is taken. With batching on, data frames are copied into a
 *       batch buffer instead and completed at once; the batch is written on a flush, when it passes
 *       {@link Settings#batchLimit()}, or before any control frame.</li>
 *   <li>{@code RECEIVE_FROM_NETWORK}: one non-blocking read; nothing available means
 *       {@link Transport#demandRead()} and retry on {@code onReadable}; end of stream completes with 0. A read
 *       that finds nothing with nothing buffered before it is returned to the handle unused
 *       ({@link WebSocketHandle#returnAction}), and a new one is asked for on {@code onReadable}: a connection
 *       waiting for the network holds no receive memory.</li>
 *   <li>{@code INDICATE_RECEIVE_COMPLETE}: data is handed to {@link Listener#onReceive}, which copies what it
 *       keeps. A new receive is queued only when the listener asks for more (flow control: while the
 *       application has not consumed a message, nothing more is read, and TCP pushes back on the peer).</li>
 *   <li>{@code INDICATE_SEND_COMPLETE}: the request's callback runs and the next queued request goes to the
 *       handle (the handle takes one send at a time, R3).</li>
 * </ul>
 *
 * <h2>States</h2>
 * <pre>
 * OPEN --close()--------------------------&gt; CLOSING   (our Close goes after queued data; close timer armed)
 * OPEN --peer's Close---------------------&gt; CLOSING   (owner told; its close() answer goes after queued data)
 * CLOSING --both Closes done, writes flushed--&gt; CLOSED (transport closed; onClosed)
 * OPEN|CLOSING --getAction throws (J2)----&gt; FAILING  (the handle's Close is written)
 * FAILING --send pipeline idle-----------&gt; CLOSED    (onClosed with the violation's status)
 * any --EOF, I/O error, close timeout----&gt; CLOSED    (1006 unless our Close reason is known)
 * </pre>
 * Every path ends in {@code CLOSED} exactly once: the transport is closed, the handle aborted, drained and
 * deleted, every unfinished request fails with an {@link IOException}, and {@link Listener#onClosed} runs.
 *
 * <h2>Who runs the loop</h2>
 * Whoever calls in first: a transport callback, a sender (so a send made while the loop is free is written on the
 * sender's own thread, with no hand-off), a timer, or the owner resuming reads. When the transport's callback
 * threads may block ({@link Transport#callbackThreadsMayBlock()}), the thread that ran the loop for a transport
 * callback is offered to the owner afterwards ({@link Listener#afterTransportCallback()}), outside the loop, so the
 * owner can run application code on the thread that read the bytes; {@link #isTransportThread()} tells the
 * listener, during its calls, whether that will happen.
 *
 * <h2>Fused handle calls</h2>
 * A completion the loop follows with a poll of the same pipeline is one call,
 * {@link WebSocketHandle#completeAndGetAction} (after a read, after a write of the send pipeline), and a data chunk
 * whose listener asks for more is completed together with the next receive, {@link WebSocketHandle#completeAndReceive}.
 * The action such a call hands back is kept ({@link PipelinePoll}) and handled by the pipeline's next poll instead
 * of a {@code getAction}. Each pipeline's actions come in the same order as without fusing (only the order between
 * the two pipelines may differ, as spec R8 allows). A small message costs two locked handle calls to receive instead
 * of five, and four to send instead of five. A pipeline whose last poll found nothing, and which no call since can
 * have given work, is not polled again (see {@link PipelinePoll}, "Quiet").
 *
 * <h2>Deferred writes</h2>
 * A small data frame of a {@linkplain SendRequest#deferrable deferrable} request (an endpoint's reply sent on the
 * connection's own callback thread) is not written at once: it is copied into the batch buffer, its request completes,
 * and it goes out together with the frames that follow it, in one transport write, when the first of these comes:
 * <ul>
 *   <li>the loop reads from the network (so the replies to every message of one read share one write, and nothing
 *       waits while the connection waits for its peer);</li>
 *   <li>the owner calls {@link #flushDeferred()} (the callback thread is about to return);</li>
 *   <li>a frame that is not deferred (a control frame, a large or non-deferrable data frame, the Close) is sent: it
 *       goes after them, in order;</li>
 *   <li>{@link WritePath#DEFERRED_BATCH} bytes are held, or the frames held have waited
 *       {@link WritePath#DEFERRED_AGE} when the next one comes ({@link WritePath#addDeferred});</li>
 *   <li>the deferred-write timer fires, at most {@link #DEFERRED_WAIT} after the first frame was held: the bound
 *       when the application blocks in a callback after it sent.</li>
 * </ul>
 * An application batch ({@link #setBatching}) is never mixed with deferred frames: while batching, frames are batched
 * as usual and written on its flush. A {@linkplain SendRequest#lent lent} payload goes to the handle as it is only
 * when the loop runs on its sender's thread and nothing stands before its frame ({@code copiedAsideNow}): its frame is
 * then copied aside in that loop run, before the sender's {@link #drive()} returns; otherwise it is copied first.
 *
 * <p>Thread contract: every public method may be called from any thread. The listener is called from the
 * thread running the loop, never concurrently with itself, and must not block (but for
 * {@link Listener#afterTransportCallback()}).
 *
 * <p>Buffers: a {@link SendRequest}'s payload is on loan until its callback; data passed to
 * {@link Listener#onReceive} is the handle's and valid only during the call.
 */
public final class ConnectionDriver {

    private static final System.Logger LOG = System.getLogger(ConnectionDriver.class.getName());
    /** How many times its limit the send queue may hold for a sender that cannot wait ({@link #enqueue}). */
    public static final int STRETCH = 8;
    private static final VarHandle WIP;
    private static final VarHandle RECEIVE_WANTED;
    private static final VarHandle READ_DEMANDED;
    private static final VarHandle CLOSE_REQUEST;
    private static final VarHandle TERMINATION;
    private static final VarHandle TIMERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WIP = lookup.findVarHandle(ConnectionDriver.class, "wip", int.class);
            RECEIVE_WANTED = lookup.findVarHandle(ConnectionDriver.class, "receiveWanted", boolean.class);
            READ_DEMANDED = lookup.findVarHandle(ConnectionDriver.class, "readDemanded", boolean.class);
            CLOSE_REQUEST = lookup.findVarHandle(ConnectionDriver.class, "closeRequest", CloseStatus.class);
            TERMINATION = lookup.findVarHandle(ConnectionDriver.class, "termination", Termination.class);
            TIMERS = lookup.findVarHandle(ConnectionDriver.class, "timers", Timers.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** The longest a deferred frame waits when nothing else writes it (see "Deferred writes"). */
    static final Duration DEFERRED_WAIT = Duration.ofMillis(20);
    /**
     * Deferred-write timers fire on a grid of this step (between {@link #DEFERRED_WAIT} less one step and
     * {@link #DEFERRED_WAIT} after they are armed), so one wake-up of the timer thread serves every busy connection.
     */
    static final long DEFERRED_GRID = 10_000_000L;
    private static final Object CLOSE_CONTEXT = new Object();
    /**
     * The context of every queued request handed to the handle: the request itself is {@code current}, one at a time
     * (R3). One context for all lets the handle hand out the same completion action again (no allocation per frame).
     */
    private static final Object REQUEST_CONTEXT = new Object();
    private static final byte[] KEEPALIVE_PAYLOAD = "ferry-keepalive".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** What the driver tells its owner. Called on the loop's thread; must not block. */
    public interface Listener {
        /**
         * A data chunk or a Pong arrived.
         *
         * @param type {@code UTF8_*}, {@code BINARY_*} or {@code PONG}
         * @param data valid only during this call
         * @return true to keep reading; false to pause until {@link ConnectionDriver#resumeReceiving()}
         */
        boolean onReceive(BufferType type, ByteBuffer data);

        /**
         * The peer's Close arrived first. Answer it with {@link ConnectionDriver#close} (normally echoing
         * {@code status}'s code, {@link #echo}); until then sends are still accepted and written before the
         * answer. Without an answer within the close timeout the connection ends anyway.
         */
        void onPeerClose(CloseStatus status);

        /**
         * Our own Close, started by {@link ConnectionDriver#close} before the peer's arrived, has been written; the
         * connection now waits for the peer's answer. {@code status} is what the owner should report (the status of
         * {@link ConnectionDriver#close(CloseStatus, CloseStatus)}'s second argument when one was given). Data that
         * still arrives is handed to {@link #onReceive} as usual; the owner may ignore it.
         */
        default void onCloseSent(CloseStatus status) {
        }

        /**
         * The connection is over; called exactly once.
         *
         * @param status  the peer's Close, the Close we sent when we started the handshake, the violation's
         *                status, or 1006 for an abrupt end
         * @param failure the protocol violation or I/O error that ended it, null for a clean close or an EOF
         */
        void onClosed(CloseStatus status, Throwable failure);

        /**
         * A transport callback that ran the loop is about to return: the owner may now run, on this thread, work it
         * deferred during its listener calls of that loop run ({@link ConnectionDriver#isTransportThread()} was
         * true then). Called only when the transport's callback threads may block
         * ({@link Transport#callbackThreadsMayBlock()}), outside the loop, so this may call the driver's methods
         * and block; it must not wait for a later transport callback (the transport may hold it back until this
         * thread returns).
         */
        default void afterTransportCallback() {
        }
    }

    /**
     * Tunables.
     *
     * @param closeTimeout   how long to wait for the peer's Close after ours is queued
     * @param sendQueueLimit the bound, in payload bytes, of queued outgoing data ({@link SendQueue})
     * @param batchLimit     a batch larger than this many bytes is written without waiting for a flush
     */
    public record Settings(Duration closeTimeout, long sendQueueLimit, int batchLimit) {
        public Settings {
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative() || closeTimeout.isZero()) {
                throw new IllegalArgumentException("closeTimeout must be positive, got " + closeTimeout);
            }
            if (sendQueueLimit < 1) {
                throw new IllegalArgumentException("sendQueueLimit must be positive, got " + sendQueueLimit);
            }
            if (batchLimit < 1) {
                throw new IllegalArgumentException("batchLimit must be positive, got " + batchLimit);
            }
        }

        /** 10 s close timeout, 4 MiB send queue, 64 KiB batches. */
        public static Settings defaults() {
            return DEFAULTS;
        }

        private static final Settings DEFAULTS = new Settings(Duration.ofSeconds(10), 4L << 20, 64 << 10);
    }

    private enum State { NEW, OPEN, CLOSING, FAILING, CLOSED }

    private record Termination(CloseStatus status, Throwable cause) { }

    private final WebSocketHandle handle;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Listener listener;
    private final Settings settings;
    private final SendQueue queue;
    // Updated through the VarHandles below rather than atomic objects: a connection is mostly idle, and five
    // atomic wrappers would cost it 80 bytes of heap for as long as it lives.
    private volatile int wip;
    private volatile boolean receiveWanted;
    private volatile boolean readDemanded;
    private volatile CloseStatus closeRequest;
    private volatile Termination termination;
    private volatile Timers timers; // made by the first timer armed (see timers()), or Timers.ENDED at the end
    private volatile boolean batching;
    /** When the connection last read or wrote (the scheduler's clock), kept only while {@link #activityWatched}. */
    private volatile long lastActivity;
    /** An idle timeout is set: reads and writes stamp {@link #lastActivity} (a clock read each, saved otherwise). */
    private volatile boolean activityWatched;
    private volatile boolean closing;
    /** A close handshake has started: the close timer is armed when the loop run is over (see armCloseTimer). */
    private volatile boolean closeTimerDue;
    private volatile boolean sendsRefused;
    /** Deferred frames are held: the loop's mirror of {@code writes.isHolding()}, for other threads. */
    private volatile boolean deferredHeld;
    /** The owner or the deferred-write timer asks the loop to write the held frames. */
    private volatile boolean deferredDue;
    private final boolean inlineCallbacks;
    /** The thread running the loop for a transport callback, while it does; compared only with the current thread. */
    private Thread transportRunner;

    // Owned by the loop.
    private State state = State.NEW;
    private SendRequest current;
    private boolean receiveOutstanding;
    private Action.ReceiveFromNetwork pendingRead;
    /** A read was returned unused: ask for the next one once {@code onReadable} has cleared the read demand. */
    private boolean readReturned;
    /** Each pipeline's poll state: an action on its way, quiet, the action a fused call handed back. */
    private final PipelinePoll sending;
    private final PipelinePoll receiving;
    /** The send pipeline's last poll found nothing: a failed handle has written its Close (see tryFinish). */
    private boolean sendPipelineIdle;
    private final WritePath writes;
    private final Events events;
    private boolean eof;
    private CloseStatus closeToSend;
    private boolean closeHandedOff;
    private boolean closeSent;
    private CloseStatus localClose;
    private volatile CloseStatus reportedClose;
    private CloseStatus peerClose;
    private WebSocketProtocolException failure;

    public ConnectionDriver(WebSocketHandle handle, Transport transport, Scheduler scheduler, Listener listener,
                            Settings settings) {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.queue = new SendQueue(settings.sendQueueLimit());
        this.inlineCallbacks = transport.callbackThreadsMayBlock();
        this.events = new Events();
        this.sending = new PipelinePoll(ActionQueue.SEND);
        this.receiving = new PipelinePoll(ActionQueue.RECEIVE);
        this.writes = new WritePath(transport, settings.batchLimit(), settings.sendQueueLimit(), events);
    }

    /** The Close that answers {@code peer}: its code without a reason, or no body for 1005 (RFC 6455 §5.5.1). */
    public static CloseStatus echo(CloseStatus peer) {
        return peer.code() == CloseStatus.EMPTY.code() ? CloseStatus.EMPTY : new CloseStatus(peer.code(), "");
    }

    /** Starts the transport. Nothing is read until the first {@link #resumeReceiving()}. */
    public void start() {
        transport.start(events);
        pump();
    }

    /** What the transport and the write path tell the driver; one object per connection for both. */
    private final class Events implements TransportListener, WritePath.Completion {
        @Override
        public void onReadable() {
            readDemanded = false;
            pumpForTransport();
        }

        @Override
        public void onWritable() {
            writes.writableAgain();
            pumpForTransport();
        }

        @Override
        public void onTransportError(Throwable cause) {
            TERMINATION.compareAndSet(ConnectionDriver.this, null, new Termination(
                    CloseStatus.ABORTED.withReason("transport failed: " + cause), cause));
            pumpForTransport();
        }

        @Override
        public void written(Action.SendToNetwork action, boolean sendPipeline) {
            ConnectionDriver.this.written(action, sendPipeline);
        }

        @Override
        public void wrote() {
            if (activityWatched) {
                lastActivity = scheduler.nanoTime();
            }
        }

        /** The first deferred frame of a hold: the deferred-write timer bounds its wait. */
        @Override
        public void holdStarted() {
            deferredHeld = true; // before the timer can look
            timers().armDeferredWrite();
        }

        @Override
        public long nanoTime() {
            return scheduler.nanoTime();
        }
    }

    /**
     * Queues a frame, waiting up to {@code waitNanos} for room in the send queue (0: fail at once when full).
     * The request's callback reports the outcome; this method itself throws only when the request could not
     * be queued.
     *
     * @throws SendQueueFullException when the queue stayed full
     * @throws IOException            when the connection is closing or closed
     */
    public void send(SendRequest request, long waitNanos) throws IOException, InterruptedException {
        refuseDataWhenClosing(request);
        queue.add(request, waitNanos);
        pump();
    }

    /**
     * Queues a frame without waiting and without running the loop (call {@link #drive()} after): for a caller that
     * queues under a lock of its own, to keep its messages in order, and writes once it has let go of the lock.
     *
     * @throws SendQueueFullException when the queue has no room now (wait with {@link #awaitRoom}, then retry)
     * @throws IOException            when the connection is closing or closed
     */
    public void enqueue(SendRequest request) throws IOException {
        enqueue(request, false);
    }

    /**
     * As {@link #enqueue(SendRequest)}; {@code stretched} lets the queue grow to {@link #STRETCH} times its limit:
     * for a sender on a transport callback thread, which cannot wait for the writes that would make room (the
     * transport may hold back its next callback until that thread returns).
     */
    public void enqueue(SendRequest request, boolean stretched) throws IOException {
        refuseDataWhenClosing(request);
        try {
            queue.add(request, 0, bound(stretched));
        } catch (InterruptedException e) {
            throw new AssertionError("a send queue add that does not wait was interrupted", e);
        }
    }

    private void refuseDataWhenClosing(SendRequest request) throws IOException {
        if (sendsRefused && !request.isFlush() && request.type().isData()) {
            throw new IOException("the connection is closing; no more data may be sent (RFC 6455 §5.5.1)");
        }
    }

    /** Runs the loop on the calling thread if no other thread runs it (then that thread does the work). */
    public void drive() {
        pump();
    }

    /**
     * Writes the deferred frames held so far (see "Deferred writes"), on the calling thread if no other thread runs
     * the loop. Cheap when none are held.
     */
    public void flushDeferred() {
        if (deferredHeld) {
            deferredDue = true;
            pump();
        }
    }

    /**
     * Waits up to {@code waitNanos} until the send queue has room for {@code bytes} more payload bytes, under its
     * limit or, {@code stretched}, {@link #STRETCH} times it.
     *
     * @return whether it has
     */
    public boolean awaitRoom(long bytes, long waitNanos, boolean stretched) throws InterruptedException {
        return queue.awaitRoom(bytes, waitNanos, bound(stretched));
    }

    private long bound(boolean stretched) {
        long limit = settings.sendQueueLimit();
        return stretched ? (limit > Long.MAX_VALUE / STRETCH ? Long.MAX_VALUE : limit * STRETCH) : limit;
    }

    /**
     * Takes back a request that has not been handed to the handle yet, failing it with {@code cause}; a request
     * already on its way to the wire is left alone.
     *
     * @return whether the request was taken back
     */
    public boolean withdraw(SendRequest request, Throwable cause) {
        if (queue.remove(request)) {
            request.complete(cause);
            return true;
        }
        return false;
    }

    /**
     * Whether the calling thread runs the loop for a transport callback whose thread may block
     * ({@link Transport#callbackThreadsMayBlock()}). Meaningful during {@link Listener} calls: work the owner
     * defers then can run on this same thread in {@link Listener#afterTransportCallback()}, with no hand-off.
     */
    public boolean isTransportThread() {
        return transportRunner == Thread.currentThread();
    }

    /**
     * Takes back a request that has not reached the wire, failing it with {@code cause}. A request already
     * being written cannot be taken back without corrupting the stream, so the connection is then ended
     * with {@code cause} (1006).
     */
    public void cancel(SendRequest request, Throwable cause) {
        if (queue.remove(request)) {
            request.complete(cause);
        } else if (request.complete(cause)) {
            terminate(CloseStatus.ABORTED.withReason("a send could not finish in time"), cause);
        }
    }

    /**
     * Starts the close handshake with {@code status} (1005 sends a Close without a body). Queued data goes
     * first; when the peer's Close does not arrive within {@link Settings#closeTimeout()} the connection is
     * closed anyway. Later calls are ignored.
     */
    public void close(CloseStatus status) {
        close(status, null);
    }

    /**
     * Like {@link #close(CloseStatus)}, but when this close is the one that ends the connection,
     * {@link Listener#onClosed} gets {@code reported} instead of the status sent: a container that closes a
     * timed-out session sends 1001 to the peer yet reports 1006 to its own endpoint (Jakarta WebSocket 2.2
     * §2.1.5). Null reports as {@link #close(CloseStatus)} does.
     */
    public void close(CloseStatus status, CloseStatus reported) {
        Objects.requireNonNull(status, "status");
        if (CLOSE_REQUEST.compareAndSet(this, null, status)) {
            reportedClose = reported;
            closing = true;
            sendsRefused = true;
            closeTimerDue = true;
            pump();
        }
    }

    /** Ends the connection at once, without a close handshake; {@code onClosed} gets {@code status}. */
    public void terminate(CloseStatus status, Throwable cause) {
        if (TERMINATION.compareAndSet(this, null, new Termination(status, cause))) {
            pump();
        }
    }

    /** Lets the driver read the next chunk after {@link Listener#onReceive} returned false. */
    public void resumeReceiving() {
        receiveWanted = true;
        pump();
    }

    /** Turns batching on or off; turning it off writes what was batched. */
    public void setBatching(boolean enabled) {
        batching = enabled;
        pump();
    }

    /** Whether data frames are batched. */
    public boolean isBatching() {
        return batching;
    }

    /**
     * During {@link Listener#onReceive} of a data chunk: how many more bytes of its frame are known to be coming
     * ({@link WebSocketHandle#receiveBytesAhead()}), for a listener that sizes a message buffer.
     */
    public long receiveBytesAhead() {
        return handle.receiveBytesAhead();
    }

    /** Whether a close handshake has started or the connection has ended. */
    public boolean isClosing() {
        return closing;
    }

    /**
     * Closes with 1001 when nothing is sent or received for {@code timeout}, reporting 1006 to the listener (the
     * close was the container's, §2.1.5 of Jakarta WebSocket 2.2); zero or negative: never.
     */
    public void setIdleTimeout(Duration timeout) {
        if (isPositive(timeout) && !activityWatched) {
            lastActivity = scheduler.nanoTime(); // idle from now: nothing was stamped while no timeout was set
            activityWatched = true;
        }
        if (timers != null || isPositive(timeout)) {
            timers().setIdle(timeout);
        }
    }

    /**
     * Sends a Ping every {@code interval} and ends the connection (1006) when its Pong does not arrive
     * within {@code timeout}. A zero or negative interval turns keepalive off. Keepalive Pongs are not
     * passed to the listener.
     */
    public void setKeepAlive(Duration interval, Duration timeout) {
        if (timers != null || isPositive(interval)) {
            timers().setKeepAlive(interval, timeout);
        }
    }

    private static boolean isPositive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    /**
     * The connection's timers, created on first use: until then no timer is armed (no idle timeout, no keepalive),
     * which is what turning one off asks for. Exactly one instance wins, so {@link Timers#cancelAll()} at the end
     * reaches every timer armed before or after it.
     */
    private Timers timers() {
        Timers existing = timers;
        if (existing != null) {
            return existing;
        }
        Timers created = new Timers(this, scheduler);
        Timers witness = (Timers) TIMERS.compareAndExchange(this, (Timers) null, created);
        return witness != null ? witness : created;
    }

    long idleNanos() {
        return scheduler.nanoTime() - lastActivity;
    }

    void sendKeepAlivePing() {
        try {
            send(SendRequest.of(BufferType.PING, ByteBuffer.wrap(KEEPALIVE_PAYLOAD), failure -> { }), 0);
        } catch (IOException | InterruptedException e) {
            LOG.log(System.Logger.Level.DEBUG, "keepalive ping not sent", e);
        }
    }

    // ------------------------------------------------------------------ the loop

    private void pumpForTransport() {
        if (!inlineCallbacks) {
            pump();
            return;
        }
        try {
            pump(true);
        } finally {
            listener.afterTransportCallback();
            armCloseTimer();
        }
    }

    /**
     * Arms the close timer of a close handshake started by {@link #close} or by the peer's Close, once the loop run
     * is over (for a transport callback, after {@link Listener#afterTransportCallback()}, where the owner answers the
     * peer): a handshake that finished meanwhile, as one answering the peer at once does, has ended the connection
     * and cancelled its timers, so nothing is scheduled, which saves the timer thread a wake-up per connection.
     */
    private void armCloseTimer() {
        if (closeTimerDue) {
            closeTimerDue = false;
            timers().armClose(settings.closeTimeout());
        }
    }

    private void pump() {
        pump(false);
    }

    private void pump(boolean forTransport) {
        if ((int) WIP.getAndAdd(this, 1) != 0) {
            return;
        }
        int missed = 1;
        do {
            transportRunner = forTransport ? Thread.currentThread() : null;
            try {
                work();
            } catch (IOException e) {
                endNow(CloseStatus.ABORTED.withReason("I/O failed: " + e.getMessage()), e);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "connection driver failed", e);
                endNow(CloseStatus.SERVER_ERROR.withReason("internal error"), e);
            }
            transportRunner = null;
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
        } while (missed != 0);
        if (!forTransport) {
            armCloseTimer();
        }
    }

    private void work() throws IOException {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.NEW) {
            state = State.OPEN;
        }
        boolean progress = true;
        while (progress && state != State.CLOSED) {
            Termination end = termination;
            if (end != null) {
                endNow(end.status(), end.cause());
                return;
            }
            progress = writes.flush();
            progress |= feedHandle();
            progress |= pollSend();
            progress |= pollReceive();
            progress |= tryFinish();
        }
        if (deferredHeld != writes.isHolding()) {
            deferredHeld = !deferredHeld;
        }
    }

    private void written(Action.SendToNetwork action, boolean sendPipeline) {
        wireChanged();
        if (sendPipeline) {
            sending.busy = false;
            sending.keep(handle.completeAndGetAction(action, action.totalBytes(), ActionQueue.SEND));
        } else {
            receiving.busy = false;
            handle.completeAction(action, action.totalBytes());
        }
    }

    private boolean feedHandle() {
        boolean progress = false;
        CloseStatus requested = closeRequest;
        if (requested != null && localClose == null && peerClose == null && state == State.OPEN) {
            localClose = requested;
            closeToSend = requested;
            state = State.CLOSING;
        } else if (requested != null && closeToSend == null && peerClose != null && state == State.CLOSING) {
            closeToSend = requested; // the answer to the peer's Close, after the owner's onClose
        }
        if ((state == State.OPEN || state == State.CLOSING) && current == null && !closeHandedOff) {
            SendRequest next = queue.poll();
            if (next != null) {
                progress = true;
                if (next.isFlush()) {
                    queue.release(next);
                    writes.flushBatch(next);
                } else {
                    handOff(next);
                }
            } else if (closeToSend != null) {
                writes.flushBatch(null);
                sending.changed();
                handle.sendClose(closeToSend.code() == CloseStatus.EMPTY.code() ? null : closeToSend, CLOSE_CONTEXT);
                closeHandedOff = true;
                progress = true;
            }
        }
        if (deferredDue) {
            deferredDue = false;
            if (writes.isHolding()) {
                writes.flushBatch(null);
                progress = true;
            }
        }
        if (!batching && writes.hasBatch() && !writes.isHolding()) {
            writes.flushBatch(null);
            progress = true;
        }
        // Read before the compare-and-set: it runs on every turn of the loop and mostly finds nothing wanted (a
        // boolean compare-and-set is not a cheap instruction on every JIT); a wish made after this read pumps again.
        if (receiveWanted && mayReceive() && RECEIVE_WANTED.compareAndSet(this, true, false)) {
            receiving.changed();
            handle.receive(null); // no context: the handle's pooled memory may keep its actions for the next read
            receiveOutstanding = true;
            progress = true;
        }
        return progress;
    }

    /** Whether a new receive may be queued now (the listener's wish aside). */
    private boolean mayReceive() {
        return (state == State.OPEN || state == State.CLOSING) && peerClose == null && !eof && !receiveOutstanding;
    }

    private void handOff(SendRequest next) {
        if (!next.type().isData()) {
            writes.flushBatch(null);
        }
        try {
            // The handle leaves the payload's position alone (on loan until the request completes).
            sending.changed();
            handle.send(next.type(), next.payloadForHandle(copiedAsideNow()), REQUEST_CONTEXT);
            current = next;
        } catch (IllegalStateException | IllegalArgumentException misuse) {
            queue.release(next);
            next.complete(misuse);
        }
    }

    /**
     * Whether a data frame handed to the handle now is certain to be copied aside (deferred or batched) before this
     * loop run ends, so a {@linkplain SendRequest#lent lent} payload may go to the handle as it is: the connection is
     * open and nothing holds the wire (R5), so the frame's {@code SEND_TO_NETWORK} comes at the next poll of the send
     * pipeline, and {@link #handleAction} copies a lent frame aside whatever the write path holds by then.
     */
    private boolean copiedAsideNow() {
        return state == State.OPEN && !sending.busy && !sending.holdsNext() && !receiving.holdsNext()
                && writes.isEmpty();
    }

    private boolean pollSend() throws IOException {
        if (sending.busy) {
            return false;
        }
        Action action = poll(sending);
        sendPipelineIdle = action instanceof Action.NoAction;
        return handleAction(action, true);
    }

    private boolean pollReceive() throws IOException {
        if (state == State.FAILING) {
            return false;
        }
        if (receiving.busy) {
            return pendingRead != null && tryRead();
        }
        if (readReturned && !receiving.holdsNext()) {
            if (readDemanded) {
                // Nothing buffered, nothing to parse: the pipeline's next action is a read, so the connection waits
                // for its peer, and what was deferred goes out now (the loop's next turn writes it).
                if (writes.isHolding()) {
                    writes.flushBatch(null);
                    return true;
                }
                return false;
            }
            readReturned = false;
        }
        Action action = poll(receiving);
        boolean progress = handleAction(action, false);
        return progress || state == State.FAILING; // a violation: go on to write the handle's Close
    }

    /** The pipeline's next action ({@link PipelinePoll#poll}); a violation (J2) is handled, and gives none. */
    private Action poll(PipelinePoll pipeline) {
        try {
            return pipeline.poll(handle);
        } catch (WebSocketProtocolException violation) {
            violated(violation);
            return Action.NO_ACTION;
        }
    }

    /** A {@code SEND_TO_NETWORK} completed, or the handle failed: both pipelines may have work. */
    private void wireChanged() {
        sending.changed();
        receiving.changed();
    }

    /** {@code completeAndGetAction} on the receive pipeline: the completion is done even when the poll throws. */
    private void completeAndGetReceive(Action action, long bytes) {
        receiving.changed();
        try {
            receiving.keep(handle.completeAndGetAction(action, bytes, ActionQueue.RECEIVE));
        } catch (WebSocketProtocolException violation) {
            violated(violation);
        }
    }

    private void violated(WebSocketProtocolException violation) {
        // J2: the handle is FAILED and its send pipeline now offers the Close to write.
        wireChanged();
        failure = violation;
        state = State.FAILING;
        sendPipelineIdle = false;
        failQueued(new IOException("the peer broke the protocol: " + violation.getMessage(), violation));
    }

    private boolean handleAction(Action action, boolean sendPipeline) throws IOException {
        if (action instanceof Action.NoAction) {
            return false;
        }
        if (action instanceof Action.SendToNetwork send) {
            (sendPipeline ? sending : receiving).busy = true;
            if (sendPipeline && batching && send.bufferType().isData() && state == State.OPEN) {
                writes.addToBatch(send);
                wireChanged(); // completed at once
                sending.busy = false;
                sending.keep(handle.completeAndGetAction(send, send.totalBytes(), ActionQueue.SEND));
            } else if (sendPipeline && !batching && state == State.OPEN && isDeferrable(send)
                    && (writes.mayDefer(send) || isLentToHandle(send))) {
                writes.addDeferred(send);
                wireChanged(); // completed at once
                sending.busy = false;
                sending.keep(handle.completeAndGetAction(send, send.totalBytes(), ActionQueue.SEND));
            } else {
                // The Close that answers the peer's ends the connection: the transport is closed once it is written.
                writes.add(send, sendPipeline, sendPipeline && send.bufferType() == BufferType.CLOSE
                        && peerClose != null);
            }
            return true;
        } else if (action instanceof Action.ReceiveFromNetwork receive) {
            receiving.busy = true;
            pendingRead = receive;
            tryRead();
            return true;
        } else if (action instanceof Action.IndicateSendComplete sent) {
            sending.changed();
            handle.completeAction(sent, 0);
            onSendComplete(sent);
            return true;
        } else if (action instanceof Action.IndicateReceiveComplete received) {
            receiving.changed(); // completed below, whatever happens
            receiveOutstanding = false;
            boolean completed = false;
            try {
                onReceiveComplete(received);
                if (received.bufferType() != BufferType.CLOSE && mayReceive()
                        && receiveWanted && RECEIVE_WANTED.compareAndSet(this, true, false)) {
                    // The listener asked for more: complete the chunk and queue the next receive in one call. A
                    // violation comes after both (the handle's J2), as from getAction.
                    try {
                        receiving.keep(handle.completeAndReceive(received, null));
                    } catch (WebSocketProtocolException violation) {
                        violated(violation);
                    }
                    receiveOutstanding = true;
                    completed = true;
                }
            } finally {
                if (!completed) {
                    handle.completeAction(received, 0);
                }
            }
            return true;
        } else {
            throw new AssertionError(action);
        }
    }

    private boolean isDeferrable(Action.SendToNetwork send) {
        return send.context() == REQUEST_CONTEXT && current.isDeferrable();
    }

    /** Whether the frame is read from a payload its sender lent: it is deferred even when it would not be otherwise. */
    private boolean isLentToHandle(Action.SendToNetwork send) {
        return send.context() == REQUEST_CONTEXT && current.isLentToHandle();
    }

    /** The deferred-write timer: writes what is held, whatever its age (see "Deferred writes"). */
    void deferredWriteDue() {
        flushDeferred();
    }

    private boolean tryRead() throws IOException {
        boolean replied = writes.isHolding();
        if (replied) {
            // About to wait for the peer: what was deferred goes out first, in one write.
            writes.flushBatch(null);
            writes.flush();
        }
        Action.ReceiveFromNetwork read = pendingRead;
        ByteBuffer into = read.buffer();
        int n = replied ? transport.readAfterReply(into) : transport.read(into);
        if (n == 0) {
            if (into.position() == 0) {
                // Nothing buffered before this read (no partial frame): return it, so the handle can let its memory go.
                pendingRead = null;
                receiving.busy = false;
                readReturned = true;
                receiving.changed();
                handle.returnAction(read);
                writes.idle();
            }
            if (READ_DEMANDED.compareAndSet(this, false, true)) {
                transport.demandRead();
            }
            return false;
        }
        pendingRead = null;
        receiving.busy = false;
        if (n < 0) {
            eof = true;
            receiving.changed();
            handle.completeAction(read, 0);
        } else {
            if (activityWatched) {
                lastActivity = scheduler.nanoTime();
            }
            completeAndGetReceive(read, n);
        }
        return true;
    }

    private void onSendComplete(Action.IndicateSendComplete sent) {
        if (sent.context() == CLOSE_CONTEXT) {
            closeSent = true;
            if (peerClose == null) {
                timers().armClose(settings.closeTimeout());
                if (localClose != null) {
                    listener.onCloseSent(reportedClose != null ? reportedClose : localClose);
                }
            }
            return;
        }
        SendRequest done = current;
        current = null;
        if (done != null) {
            queue.release(done);
            done.complete(null);
        }
    }

    private void onReceiveComplete(Action.IndicateReceiveComplete received) {
        if (eof) {
            terminate(CloseStatus.ABORTED.withReason("the connection ended without a Close frame (RFC 6455 §7.1.5)"),
                    null);
            return;
        }
        BufferType type = received.bufferType();
        switch (type) {
            case CLOSE -> onPeerClose(received.closeStatus());
            case PONG -> {
                if (received.data().equals(ByteBuffer.wrap(KEEPALIVE_PAYLOAD))) {
                    timers().pongReceived();
                    receiveWanted = true;
                } else if (listener.onReceive(type, received.data())) {
                    receiveWanted = true;
                }
            }
            case UTF8_MESSAGE, UTF8_FRAGMENT, BINARY_MESSAGE, BINARY_FRAGMENT -> {
                if (listener.onReceive(type, received.data())) {
                    receiveWanted = true;
                }
            }
            case PING, UNSOLICITED_PONG -> throw new IllegalStateException(
                    "the handle reported a received " + type + ", which is a send-only type (spec §8.1)");
            default -> throw new AssertionError(type);
        }
    }

    private void onPeerClose(CloseStatus status) {
        if (status.code() == CloseStatus.ABORTED.code()) {
            terminate(status, null);
            return;
        }
        peerClose = status;
        closing = true;
        if (state == State.OPEN) {
            // RFC 6455 §5.5.1: the owner answers with close() once it has told the application
            // (Endpoint.onClose runs "immediately prior" to the close); sends are accepted until then.
            state = State.CLOSING;
            closeTimerDue = true;
            listener.onPeerClose(status);
        }
    }

    private boolean tryFinish() {
        if (state == State.CLOSING && closeSent && peerClose != null && writes.isEmpty()) {
            endNow(localClose != null ? localClose : peerClose, null);
            return true;
        }
        if (state == State.FAILING && sendPipelineIdle && !sending.busy && writes.isEmpty()) {
            endNow(failure.closeStatus(), failure);
            return true;
        }
        if (eof && state != State.CLOSED && !receiveOutstanding && pendingRead == null && writes.isEmpty()
                && termination == null) {
            // The handle had no receive to cancel; the stream is over all the same.
            terminate(CloseStatus.ABORTED.withReason("the connection ended without a Close frame (RFC 6455 §7.1.5)"),
                    null);
            return true;
        }
        return false;
    }

    void closeTimedOut() {
        terminate(localClose != null ? localClose : peerClose != null ? peerClose : CloseStatus.ABORTED.withReason(
                "the close handshake did not finish within " + settings.closeTimeout().toMillis() + " ms"), null);
    }

    private void endNow(CloseStatus status, Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closing = true;
        sendsRefused = true;
        Timers armed = (Timers) TIMERS.getAndSet(this, Timers.ENDED);
        if (armed != null) {
            armed.cancelAll();
        }
        IOException closed = new ClosedException(status, cause);
        failQueued(closed);
        if (current != null) {
            current.complete(closed);
            current = null;
        }
        List<Action.SendToNetwork> unwritten = writes.fail(closed);
        releaseHandle(unwritten);
        transport.close();
        listener.onClosed(localClose != null && reportedClose != null ? reportedClose : status, cause);
    }

    private void failQueued(IOException reason) {
        for (SendRequest request : queue.close(reason)) {
            request.complete(reason);
        }
    }

    /** Completes the actions still held (a short count cancels them, spec §3.10), aborts, drains, deletes. */
    private void releaseHandle(List<Action.SendToNetwork> unwritten) {
        try {
            for (Action.SendToNetwork write : unwritten) {
                handle.completeAction(write, 0);
            }
            if (pendingRead != null) {
                handle.completeAction(pendingRead, 0);
                pendingRead = null;
            }
            // Handed out by a fused call, not handled yet.
            sending.cancelNext(handle);
            receiving.cancelNext(handle);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cancelling held actions", e);
        }
        try {
            handle.abort();
            for (int i = 0; i < 64; i++) {
                Action action = handle.getAction(ActionQueue.ALL);
                if (action instanceof Action.NoAction) {
                    break;
                }
                handle.completeAction(action, 0);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "draining an aborted handle", e);
        }
        try {
            handle.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "deleting the handle", e);
        }
    }
}
