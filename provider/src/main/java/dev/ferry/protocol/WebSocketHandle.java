package dev.ferry.protocol;

import dev.ferry.protocol.internal.Engine;
import dev.ferry.protocol.internal.HandleLock;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One connection's protocol state: a Java rendering of the Windows WebSocket Protocol Component's
 * handle (spec §8.1). No I/O, no threads, no clock: the caller queues operations ({@link #send},
 * {@link #sendClose}, {@link #receive}), then drains actions with {@link #getAction} and reports each
 * one's I/O with {@link #completeAction}.
 *
 * <p>Thread contract (J9): every method takes an internal lock, so calls from several threads are safe; the
 * rules R1-R8 of spec §5.1 still apply (one send and one receive outstanding, one uncompleted action per
 * pipeline). A send pipeline and a receive pipeline may be driven by different threads. Spec difference: J9
 * names a {@code ReentrantLock}; the handle uses a lighter lock of its own (one compare-and-set to take it, one
 * ordered store to release it: a small message costs five calls each way with the calls of §8.1, two to
 * receive and four to send with the fused calls below), with the same guarantees for
 * callers: mutual exclusion and the memory effects of a lock between calls. It is not reentrant, and need
 * not be: the handle never calls back into caller code while holding it, except an {@link ExtensionFactory}'s
 * {@link Extension}, which must not call its handle.
 *
 * <p>Buffers: a send's payload is on loan to the handle until its {@code INDICATE_SEND_COMPLETE}. The handle reads
 * it from position to limit and leaves both where they are (an extension's {@code encode} may move the position
 * and puts it back); a server puts a read-only view of it on the wire, a client a masked copy in handle memory.
 * Every buffer in an {@link Action} is read-only and on loan to the caller until that action is completed; received
 * data points into handle memory and must be copied out before completing. An action whose content did
 * not change may be handed out again as the same object (no allocation per frame or chunk). The receive
 * buffer is lent to the handle by a pool that all handles share, from the first read until a read is handed
 * back unused ({@link #returnAction}) with nothing buffered, or until {@link #close()}: a connection that waits
 * for the network holds none.
 *
 * <p>Spec difference (J13, {@code sendBufferSize}): a client masks into one pooled buffer of
 * {@code sendBufferSize} bytes, so a client frame longer than that is handed out as several
 * {@code SEND_TO_NETWORK} actions, [header, first chunk] then one per further chunk, each offered once the
 * previous one is completed; nothing else (no automatic pong) is written between them. A server's frame is
 * always one action, whatever its length.
 *
 * <p>Beyond spec §8.1: two fused calls, {@link #completeAndGetAction} ({@code completeAction} then
 * {@code getAction}) and {@link #completeAndReceive} ({@code completeAction} of a received chunk, {@code receive},
 * {@code getAction(RECEIVE)}). J9's lock is paid per call, and so is the check of the handle's state; a driver
 * makes these calls back to back after every read, write and chunk, so fusing them halves what the lock and the
 * checks cost (a small message is two locked calls to receive instead of five). Each gives the results of the
 * calls it stands for, taking the lock once; the calls of §8.1 are unchanged. And {@link #returnAction}, which
 * hands back a read that found nothing, so that a connection waiting for the network holds no receive buffer.
 *
 * <p>Errors (spec §8.2): caller mistakes throw {@link IllegalStateException} or
 * {@link IllegalArgumentException} and change nothing. A peer's violation is thrown once by
 * {@link #getAction} as a {@link WebSocketProtocolException}; the handle is then {@link HandleState#FAILED}
 * and its send pipeline offers the Close to send (J2). What happens to operations pending at that
 * moment: the pending receive ends with the exception; a pending send still gets its
 * {@code INDICATE_SEND_COMPLETE} (its frame is written if it was already handed out, cancelled
 * otherwise). After {@link #abort()} queued sends are cancelled the same way and a pending receive ends
 * with {@code CLOSE} and {@link CloseStatus#ABORTED}; drain both queues until {@code NO_ACTION}.
 * A receive whose read completes with 0 bytes (end of stream) ends the same way.
 *
 * <p>After {@link #close()} every method but {@link #close()}, {@link #state()} and {@link #role()}
 * throws {@link IllegalStateException}.
 */
public final class WebSocketHandle implements AutoCloseable {

    /** System property (milliseconds) that overrides the advisory keepalive interval (J10). */
    public static final String KEEPALIVE_PROPERTY = "dev.ferry.keepAliveIntervalMillis";

    private static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(30);
    private static final Duration MIN_KEEPALIVE = Duration.ofSeconds(15);

    private final HandleLock lock = new HandleLock();
    private final Engine engine;

    private WebSocketHandle(Engine engine) {
        this.engine = engine;
    }

    /** {@code WebSocketCreateClientHandle}. Masking keys and the handshake key come from a {@link SecureRandom}. */
    public static WebSocketHandle createClient(HandleProperties properties) {
        return create(Role.CLIENT, properties, new SecureRandom());
    }

    /**
     * {@code WebSocketCreateServerHandle}. A server never masks (RFC 6455 §5.1) nor makes a handshake key, so its
     * handles share one {@link SecureRandom}, created with the first of them, instead of seeding one per handle.
     */
    public static WebSocketHandle createServer(HandleProperties properties) {
        return create(Role.SERVER, properties, ServerRandom.SHARED);
    }

    /** Holder of the server handles' random source: created on first use, thread safe ({@link SecureRandom}). */
    private static final class ServerRandom {
        static final SecureRandom SHARED = new SecureRandom();
    }

    /**
     * Test seam (not part of spec §8.1): a handle whose masking keys and handshake key come from
     * {@code random}, so that a seeded generator gives byte-exact frames.
     */
    static WebSocketHandle create(Role role, HandleProperties properties, RandomGenerator random) {
        if (properties == null) {
            throw new IllegalArgumentException("expected handle properties, got null (use HandleProperties.defaults())");
        }
        return new WebSocketHandle(new Engine(role, properties, random));
    }

    /**
     * {@code WebSocketBeginClientHandshake}: the GET request's headers (spec §3.3, §4.1). An extension entry
     * that is a bare name with an {@link ExtensionFactory} in the properties is offered as that factory's
     * {@link ExtensionFactory#offer()}.
     *
     * <p>{@code initialHeaders} are the caller's own headers ({@code Host}, {@code Origin}, cookies,
     * authorization...; may be null or empty). The returned list is the request's whole header set: the
     * initial headers in their order, except a {@code Connection} or {@code Upgrade}, which the handle's
     * replace (spec §3.3), followed by {@code Connection}, {@code Upgrade}, {@code Sec-WebSocket-Key},
     * {@code -Version}, and {@code -Protocol} and {@code -Extensions} when offered. With no initial headers
     * it is exactly the headers to add. Spec difference (the DLL returns only the headers to add and leaves
     * the replacing to the caller): returning the merged set means a caller cannot get the replacing wrong.
     *
     * @throws IllegalArgumentException for an initial header whose name is not an HTTP token, whose value
     *                                  holds CR, LF or NUL, or that the handle sets itself
     *                                  ({@code Sec-WebSocket-Key}, {@code -Version}, {@code -Accept}, and
     *                                  {@code -Protocol} and {@code -Extensions}, which come from the
     *                                  {@code subprotocols} and {@code extensions} arguments); nothing changes
     */
    public List<HttpHeader> beginClientHandshake(List<String> subprotocols, List<String> extensions,
                                                 List<HttpHeader> initialHeaders) {
        lock.lock();
        try {
            return engine.beginClientHandshake(subprotocols, extensions, initialHeaders);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code WebSocketEndClientHandshake}: checks the 101 response's headers (the caller checked the status).
     * Offered extensions with a factory are confirmed by it; others are negotiated tokens only.
     */
    public ClientHandshakeResult endClientHandshake(List<HttpHeader> responseHeaders) {
        lock.lock();
        try {
            return engine.endClientHandshake(responseHeaders);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code WebSocketBeginServerHandshake}: checks the request's headers and returns the 101 response's.
     * {@code subprotocol} (may be null) must be one the client requested; each element of
     * {@code extensions} must name one the client offered. A name with a factory is handed to it (a bare
     * name is tried against each of the client's offers of it, in order) and left out if it declines; a
     * name without one is echoed as given.
     */
    public List<HttpHeader> beginServerHandshake(String subprotocol, List<String> extensions,
                                                 List<HttpHeader> requestHeaders) {
        lock.lock();
        try {
            return engine.beginServerHandshake(subprotocol, extensions, requestHeaders);
        } finally {
            lock.unlock();
        }
    }

    /** {@code WebSocketEndServerHandshake}: optional, the first session call implies it. */
    public void endServerHandshake() {
        lock.lock();
        try {
            engine.endServerHandshake();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code WebSocketSend}: queues one frame (written by one or, for a client frame over
     * {@code sendBufferSize}, several {@code SEND_TO_NETWORK} actions). {@code data} may be null (empty
     * payload) and is on loan until this operation's {@code INDICATE_SEND_COMPLETE}. {@code PING} and {@code UNSOLICITED_PONG} carry at
     * most 125 bytes; once our Close is queued they are accepted but not written (nothing may follow a Close).
     */
    public void send(BufferType type, ByteBuffer data, Object context) {
        lock.lock();
        try {
            engine.send(type, data, context);
        } finally {
            lock.unlock();
        }
    }

    /** {@code WebSocketSend} with {@code CLOSE}. {@code status} null sends a Close with no body. */
    public void sendClose(CloseStatus status, Object context) {
        lock.lock();
        try {
            engine.sendClose(status, context);
        } finally {
            lock.unlock();
        }
    }

    /** {@code WebSocketReceive}: queues one receive; its data comes back in handle-owned buffers. */
    public void receive(Object context) {
        lock.lock();
        try {
            engine.receive(context);
        } finally {
            lock.unlock();
        }
    }

    /** {@code WebSocketGetAction}: never null; {@link Action#NO_ACTION} when the queue has nothing now. */
    public Action getAction(ActionQueue queue) {
        lock.lock();
        try {
            return engine.getAction(queue);
        } finally {
            lock.unlock();
        }
    }

    /** {@code WebSocketCompleteAction}: exactly once for every action other than {@code NO_ACTION}. */
    public void completeAction(Action action, long bytesTransferred) {
        lock.lock();
        try {
            engine.completeAction(action, bytesTransferred);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Beyond spec §8.1: hands back a {@code RECEIVE_FROM_NETWORK} the caller could not use because the network had
     * nothing to read (the DLL has no way to decline a read: completing it with 0 bytes means end of stream). It
     * counts as that action's completion (R1); the receive operation stays pending, and the next
     * {@code getAction(RECEIVE)} offers a new read. A driver returns its read when a non-blocking read finds
     * nothing and asks again once the network is readable, so a connection waiting for the network holds no
     * receive memory: the handle gives its buffer back to a shared pool when nothing is buffered, and borrows one
     * again for the next read. Whatever the caller put into the read's buffer is ignored.
     *
     * @throws IllegalStateException when {@code read} is not this handle's outstanding read (already completed or
     *                               returned, or not handed out by it), or after {@link #close()}; nothing changes
     */
    public void returnAction(Action.ReceiveFromNetwork read) {
        lock.lock();
        try {
            engine.returnAction(read);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Beyond spec §8.1: {@link #completeAction completeAction(action, bytesTransferred)} then
     * {@link #getAction getAction(queue)}, under one lock. A driver makes these two calls back to back after
     * every read, write and indication; fused, they cost one lock and one state check instead of two (J9's lock
     * is paid per call). The results are those of the two calls:
     * <ul>
     *   <li>A caller mistake, in either part, throws {@link IllegalStateException} or
     *       {@link IllegalArgumentException} (or {@link NullPointerException} for a null argument) before anything
     *       changes: {@code action} is still uncompleted and nothing was polled, as if the call had not been made.
     *       So does a null {@code queue}, which the two calls would only notice after completing.</li>
     *   <li>A {@link WebSocketProtocolException} comes from the {@code getAction} part: {@code action} <em>is</em>
     *       completed, and the rest is what {@link #getAction} does on a violation (J2): the handle is
     *       {@link HandleState#FAILED} and its send pipeline offers the Close to write.</li>
     * </ul>
     *
     * @return the queue's next action, {@link Action#NO_ACTION} when it has none now
     */
    public Action completeAndGetAction(Action action, long bytesTransferred, ActionQueue queue) {
        lock.lock();
        try {
            return engine.completeAndGetAction(action, bytesTransferred, queue);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Beyond spec §8.1: {@link #completeAction completeAction(received, 0)}, {@link #receive receive(context)},
     * then {@link #getAction getAction(ActionQueue.RECEIVE)}, under one lock. This is the receive loop's step once
     * a chunk has been copied out: the next receive is queued at once, and what comes back is its first action
     * (a {@code RECEIVE_FROM_NETWORK}, or an {@code INDICATE_RECEIVE_COMPLETE} when the bytes are already
     * buffered). So a steady stream of small messages costs two locked calls per message,
     * {@code completeAndGetAction(read, n, RECEIVE)} and this one, instead of five. The results are those of the
     * three calls:
     * <ul>
     *   <li>A caller mistake, in either of the first two parts, throws {@link IllegalStateException} (or
     *       {@link NullPointerException} for a null {@code received}) before anything changes: {@code received}
     *       is still uncompleted and no receive is queued. That includes the case where the three calls would
     *       fail only at {@code receive}: after the peer's Close ({@link HandleState#CLOSE_RECEIVED} or
     *       {@link HandleState#CLOSED}), after {@link #abort()}, or once {@link HandleState#FAILED}. Complete
     *       such a chunk with {@link #completeAction}.</li>
     *   <li>A {@link WebSocketProtocolException} comes from the {@code getAction} part: {@code received} is
     *       completed and the new receive was queued; the violation ends that receive, and the rest is what
     *       {@link #getAction} does on a violation (J2).</li>
     * </ul>
     *
     * @param received the receive pipeline's uncompleted {@code INDICATE_RECEIVE_COMPLETE} (its data copied out)
     * @param context  the next receive's context, as for {@link #receive}
     * @return the receive queue's next action, {@link Action#NO_ACTION} when it has none now (an automatic pong
     *         is waiting for the wire)
     */
    public Action completeAndReceive(Action.IndicateReceiveComplete received, Object context) {
        lock.lock();
        try {
            return engine.completeAndReceive(received, context);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Beyond spec §8.1: a sizing hint for a caller that assembles messages. While it holds a data chunk
     * ({@code INDICATE_RECEIVE_COMPLETE}), how many more payload bytes of that chunk's frame the handle knows are
     * coming, because the frame's header declared them (RFC 6455 §5.2): for the final frame of a message, exactly
     * the rest of the message. 0 once the frame is handed out whole, and for a message an extension decodes (the
     * frame's length says nothing of the decoded size); later frames of a fragmented message are never counted. A
     * hint only: the peer may still end the connection before sending them, so a caller sizing memory by it should
     * bound it as it bounds the message ({@code maxMessageSize}).
     */
    public long receiveBytesAhead() {
        lock.lock();
        try {
            return engine.receiveBytesAhead();
        } finally {
            lock.unlock();
        }
    }

    /** {@code WebSocketAbortHandle}: new sends and receives fail; drain what is queued. Releases extensions. */
    public void abort() {
        lock.lock();
        try {
            engine.abort();
        } finally {
            lock.unlock();
        }
    }

    /** {@code WebSocketDeleteHandle}: releases every extension. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            engine.close();
        } finally {
            lock.unlock();
        }
    }

    public Role role() {
        return engine.role();
    }

    public HandleState state() {
        lock.lock();
        try {
            return engine.state();
        } finally {
            lock.unlock();
        }
    }

    /** {@code WebSocketGetGlobalProperty}: process-wide facts. */
    public static GlobalProperties getGlobalProperties() {
        Duration keepAlive = DEFAULT_KEEPALIVE;
        String configured = System.getProperty(KEEPALIVE_PROPERTY);
        if (configured != null) {
            try {
                keepAlive = Duration.ofMillis(Long.parseLong(configured.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(KEEPALIVE_PROPERTY + " must be a number of milliseconds, got '"
                        + configured + "'", e);
            }
        }
        if (keepAlive.compareTo(MIN_KEEPALIVE) < 0) {
            keepAlive = MIN_KEEPALIVE;
        }
        return new GlobalProperties(keepAlive, List.of(13), HandleProperties.DEFAULT_BUFFER_SIZE,
                HandleProperties.DEFAULT_BUFFER_SIZE, HandleProperties.MIN_BUFFER_SIZE,
                HandleProperties.MAX_BUFFER_SIZE);
    }
}
