package dev.ferry.protocol.internal;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.ClientHandshakeResult;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.Extension;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HandleState;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.Role;
import dev.ferry.protocol.WebSocketProtocolException;
import dev.ferry.protocol.handshake.ClientHandshake;
import dev.ferry.protocol.handshake.HandshakeKeys;
import dev.ferry.protocol.handshake.ServerHandshake;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The handle's engine: its lifecycle state machine, the handshake, and the arbitration between the
 * send and receive pipelines (one wire writer, R5). {@code WebSocketHandle} is a locked facade over it.
 *
 * <p>Theory of operation. Calls are checked against the state first; a caller mistake throws before
 * anything changes. Each pipeline hands out at most one action at a time; a {@code SEND_TO_NETWORK} from
 * either one also holds the wire until it is completed. Every state change goes through
 * {@link #transition}; its switch is the table below (events on the left, the state reached on the right).
 *
 * <pre>
 * CREATED     --handshake begun-->  HANDSHAKING  --handshake ended-->  OPEN
 * OPEN        --our Close written-->  CLOSE_SENT      --peer's Close handed out-->  CLOSED
 * OPEN        --peer's Close handed out-->  CLOSE_RECEIVED  --our Close written-->  CLOSED
 * OPEN, CLOSE_SENT, CLOSE_RECEIVED  --peer violates the protocol-->  FAILED
 * any but DELETED  --abort-->  ABORTED;        any  --close-->  DELETED
 * </pre>
 *
 * <p>Failure (J2). A violation is thrown once by {@code getAction}. The receive that was pending ends
 * with that exception (no further receive action is offered for it). A send that was pending is not
 * lost: if its frame is on loan it completes normally, if not it is cancelled (not written); either way
 * the send pipeline offers its {@code INDICATE_SEND_COMPLETE}, then one {@code SEND_TO_NETWORK} holding
 * the failure Close (context null) unless our own Close is already on the wire, then only
 * {@code NO_ACTION}. After {@code abort} queued sends are cancelled the same way and a pending receive
 * ends with {@code CLOSE} 1006.
 *
 * <p>Thread contract: not thread safe; the facade serializes every call with its lock.
 */
public final class Engine {

    private enum Event { HANDSHAKE_BEGUN, HANDSHAKE_ENDED, CLOSE_WRITTEN, CLOSE_RECEIVED, VIOLATION, ABORT, DELETE }

    private final Role role;
    private final HandleProperties properties;
    private final MaskKeys maskKeys;
    private final SendPipeline send;
    private final ReceivePipeline receive;

    private HandleState state = HandleState.CREATED;
    private ClientHandshake.Offer offer;
    private List<Extension> extensions = List.of();
    private boolean extensionsReleased;
    private Action wire;
    private boolean preferReceive;

    public Engine(Role role, HandleProperties properties, RandomGenerator random) {
        this(role, properties, random, ReceiveMemoryPool.SHARED);
    }

    /** Test seam: an engine whose receive memory comes from {@code pool}. */
    Engine(Role role, HandleProperties properties, RandomGenerator random, ReceiveMemoryPool pool) {
        this.role = Objects.requireNonNull(role, "role");
        this.properties = Objects.requireNonNull(properties, "properties");
        this.maskKeys = new MaskKeys(Objects.requireNonNull(random, "random"));
        this.send = new SendPipeline(role, properties, maskKeys);
        this.receive = new ReceivePipeline(role, properties, maskKeys, pool);
    }

    public Role role() {
        return role;
    }

    public HandleState state() {
        return state;
    }

    // ---- handshake ----------------------------------------------------------------------------

    public List<HttpHeader> beginClientHandshake(List<String> subprotocols, List<String> extensionTokens,
                                                 List<HttpHeader> initialHeaders) {
        expectRole(Role.CLIENT, "beginClientHandshake");
        expectState(HandleState.CREATED, "beginClientHandshake");
        List<HttpHeader> initial = orEmpty(initialHeaders);
        ClientHandshake.checkInitialHeaders(initial);
        ClientHandshake.Offer newOffer = ClientHandshake.offer(HandshakeKeys.newKey(maskKeys.source()),
                orEmpty(subprotocols), orEmpty(extensionTokens), properties.extensions());
        offer = newOffer;
        transition(Event.HANDSHAKE_BEGUN);
        return ClientHandshake.requestHeaders(newOffer, initial);
    }

    public ClientHandshakeResult endClientHandshake(List<HttpHeader> responseHeaders) {
        expectRole(Role.CLIENT, "endClientHandshake");
        expectState(HandleState.HANDSHAKING, "endClientHandshake");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        ClientHandshake.Outcome outcome = ClientHandshake.checkResponse(offer, properties.extensions(), responseHeaders);
        install(outcome.extensions());
        offer = null;
        transition(Event.HANDSHAKE_ENDED);
        return outcome.result();
    }

    public List<HttpHeader> beginServerHandshake(String subprotocol, List<String> extensionElements,
                                                 List<HttpHeader> requestHeaders) {
        expectRole(Role.SERVER, "beginServerHandshake");
        expectState(HandleState.CREATED, "beginServerHandshake");
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        ServerHandshake.Request request = ServerHandshake.checkRequest(requestHeaders);
        ServerHandshake.Outcome outcome = ServerHandshake.respond(request, subprotocol, orEmpty(extensionElements),
                properties.extensions());
        install(outcome.extensions());
        transition(Event.HANDSHAKE_BEGUN);
        return outcome.responseHeaders();
    }

    public void endServerHandshake() {
        expectRole(Role.SERVER, "endServerHandshake");
        expectState(HandleState.HANDSHAKING, "endServerHandshake");
        transition(Event.HANDSHAKE_ENDED);
    }

    private void install(List<Extension> negotiated) {
        extensions = negotiated;
        receive.useExtensions(negotiated, properties.receiveBufferSize());
        send.useExtensions(negotiated);
    }

    // ---- operations ---------------------------------------------------------------------------

    public void send(BufferType type, ByteBuffer data, Object context) {
        Objects.requireNonNull(type, "type");
        beginSession("send");
        if (!sendable()) {
            throw notSendable("send " + type); // the call's name is spelled only for the error
        }
        send.send(type, data, context);
    }

    public void sendClose(CloseStatus status, Object context) {
        beginSession("sendClose");
        if (!sendable()) {
            throw notSendable("sendClose");
        }
        send.sendClose(status, context);
    }

    public void receive(Object context) {
        beginSession("receive");
        expectReceivable();
        receive.receive(context);
    }

    private void expectReceivable() {
        if (state != HandleState.OPEN && state != HandleState.CLOSE_SENT) {
            throw new IllegalStateException("expected OPEN or CLOSE_SENT to receive, got " + state
                    + (receive.closeReceived() ? " (the peer's Close was already received, spec Q5)" : ""));
        }
    }

    private boolean sendable() {
        return state != HandleState.FAILED && state != HandleState.ABORTED;
    }

    private IllegalStateException notSendable(String call) {
        return new IllegalStateException("expected an open handle to " + call + ", got " + state);
    }

    // ---- actions ------------------------------------------------------------------------------

    public Action getAction(ActionQueue queue) {
        Objects.requireNonNull(queue, "queue");
        beginSession("getAction");
        return switch (queue) {
            case SEND -> pollSend();
            case RECEIVE -> pollReceive();
            case ALL -> {
                preferReceive = !preferReceive;
                Action first = preferReceive ? pollReceive() : pollSend();
                yield first != Action.NO_ACTION ? first : preferReceive ? pollSend() : pollReceive();
            }
        };
    }

    private Action pollSend() {
        boolean aborted = state == HandleState.ABORTED;
        Action action = send.poll(wire == null, aborted || state == HandleState.FAILED, aborted);
        if (action instanceof Action.SendToNetwork) {
            wire = action;
        }
        return action;
    }

    private Action pollReceive() {
        Action action;
        try {
            // A client frame written in several chunks holds the wire between them: no pong in the middle (R5).
            action = receive.poll(wire == null && !send.holdsWire(), send.closeWritten(),
                    state == HandleState.ABORTED);
        } catch (WebSocketProtocolException e) {
            fail(e);
            throw e;
        }
        if (action instanceof Action.SendToNetwork) {
            wire = action;
            return action;
        }
        return noteClose(action);
    }

    /**
     * After a read of at least one byte: the unit its bytes complete, parsed at once (no pong can be waiting, R5 has
     * nothing to arbitrate), or {@link #pollReceive} when they complete none.
     */
    private Action parseAfterRead() {
        Action unit;
        try {
            unit = receive.afterRead();
        } catch (WebSocketProtocolException e) {
            fail(e);
            throw e;
        }
        return unit != null ? noteClose(unit) : pollReceive();
    }

    /** Handing out the peer's Close moves the state on. */
    private Action noteClose(Action action) {
        if (action instanceof Action.IndicateReceiveComplete c && c.bufferType() == BufferType.CLOSE
                && receive.closeReceived() && c.closeStatus() != CloseStatus.ABORTED) {
            transition(Event.CLOSE_RECEIVED);
        }
        return action;
    }

    private static IllegalStateException notHandedOut(Action action) {
        return new IllegalStateException("expected an action this handle handed out and that is not completed yet,"
                + " got " + action.type() + " (spec §5.1 R1)");
    }

    private void fail(WebSocketProtocolException violation) {
        transition(Event.VIOLATION);
        receive.fail();
        CloseStatus close = violation.closeStatus();
        send.fail(close != null ? close : CloseStatus.PROTOCOL_ERROR);
    }

    public void completeAction(Action action, long bytesTransferred) {
        Objects.requireNonNull(action, "action");
        expectNotDeleted("completeAction");
        if (action instanceof Action.NoAction) {
            return;
        }
        boolean closeWasWritten = send.closeWritten();
        if (send.complete(action, bytesTransferred)) {
            if (!closeWasWritten && send.closeWritten()) {
                transition(Event.CLOSE_WRITTEN);
            }
        } else if (!receive.complete(action, bytesTransferred)) {
            throw notHandedOut(action);
        }
        if (action == wire) {
            wire = null;
        }
    }

    /**
     * Takes back the receive pipeline's outstanding read unused (the caller read nothing): it counts as that
     * action's completion (R1), the receive stays pending, and the next {@code getAction} offers a new read.
     */
    public void returnAction(Action.ReceiveFromNetwork read) {
        Objects.requireNonNull(read, "read");
        expectNotDeleted("returnAction");
        if (!receive.giveBack(read)) {
            throw new IllegalStateException("expected the outstanding RECEIVE_FROM_NETWORK of this handle, got a read"
                    + " that is completed, returned, or not handed out by it (spec §5.1 R1)");
        }
    }

    /** See {@code WebSocketHandle.receiveBytesAhead}. */
    public long receiveBytesAhead() {
        return receive.frameBytesAhead();
    }

    /** Whether the receive pipeline holds receive memory now (for tests). */
    boolean holdsReceiveMemory() {
        return receive.holdsMemory();
    }

    // ---- fused calls (beyond spec §8.1: one lock and one state check for calls a driver makes back to back) ----

    /**
     * {@code completeAction(action, bytes)} then {@code getAction(queue)}. A caller mistake in either part throws
     * before anything changes; a violation thrown by the second part comes after the completion (J2).
     */
    public Action completeAndGetAction(Action action, long bytesTransferred, ActionQueue queue) {
        Objects.requireNonNull(queue, "queue");
        if (queue == ActionQueue.RECEIVE && action instanceof Action.ReceiveFromNetwork) {
            // The receive loop's step after a read, with what the two calls would check and nothing more: only the
            // receive pipeline hands out reads, a read never holds the wire, and one outstanding means the session
            // has begun (getAction's handshake check has nothing left to do).
            expectNotDeleted("completeAndGetAction");
            if (!receive.completeRead((Action.ReceiveFromNetwork) action, bytesTransferred)) {
                throw notHandedOut(action);
            }
            // A read of no bytes (the end of the stream) cancels the receive, and abort ends it: poll hands out how.
            return bytesTransferred == 0 || state == HandleState.ABORTED ? pollReceive() : parseAfterRead();
        }
        completeAction(action, bytesTransferred);
        return getAction(queue);
    }

    /**
     * {@code completeAction(received, 0)}, {@code receive(context)}, then {@code getAction(RECEIVE)}. Everything
     * the first two parts check is checked before anything changes; a violation thrown by the last part comes
     * after the completion and with the new receive queued, which it then ends (J2).
     */
    public Action completeAndReceive(Action.IndicateReceiveComplete received, Object context) {
        Objects.requireNonNull(received, "received");
        expectNotDeleted("completeAndReceive");
        if (!receive.isOutstanding(received)) {
            throw notHandedOut(received);
        }
        expectReceivable();
        Action read = receive.completeChunkAndReceive(context);
        return read != null ? read : pollReceive();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    public void abort() {
        expectNotDeleted("abort");
        transition(Event.ABORT);
        releaseExtensions();
    }

    public void close() {
        if (state == HandleState.DELETED) {
            return;
        }
        transition(Event.DELETE);
        releaseExtensions();
        receive.close();
    }

    private void releaseExtensions() {
        if (!extensionsReleased) {
            extensionsReleased = true;
            for (Extension extension : extensions) {
                extension.release();
            }
        }
    }

    /** The one place the state changes. */
    private void transition(Event event) {
        HandleState next = switch (event) {
            case HANDSHAKE_BEGUN -> state == HandleState.CREATED ? HandleState.HANDSHAKING : null;
            case HANDSHAKE_ENDED -> state == HandleState.HANDSHAKING ? HandleState.OPEN : null;
            case CLOSE_WRITTEN -> switch (state) {
                case OPEN -> HandleState.CLOSE_SENT;
                case CLOSE_RECEIVED -> HandleState.CLOSED;
                case FAILED, ABORTED -> state;
                default -> null;
            };
            case CLOSE_RECEIVED -> switch (state) {
                case OPEN -> HandleState.CLOSE_RECEIVED;
                case CLOSE_SENT -> HandleState.CLOSED;
                default -> null;
            };
            case VIOLATION -> switch (state) {
                case OPEN, CLOSE_SENT, CLOSE_RECEIVED -> HandleState.FAILED;
                default -> null;
            };
            case ABORT -> state == HandleState.DELETED ? null : HandleState.ABORTED;
            case DELETE -> HandleState.DELETED;
        };
        if (next == null) {
            throw new IllegalStateException("no transition from " + state + " on " + event);
        }
        state = next;
    }

    private void beginSession(String call) {
        expectNotDeleted(call);
        if (role == Role.SERVER && state == HandleState.HANDSHAKING) {
            transition(Event.HANDSHAKE_ENDED); // spec §3.6: the first session call ends the server handshake
        }
        if (state == HandleState.CREATED || state == HandleState.HANDSHAKING) {
            throw new IllegalStateException("expected a completed handshake before " + call + ", got " + state
                    + " (spec §1.1)");
        }
    }

    private void expectNotDeleted(String call) {
        if (state == HandleState.DELETED) {
            throw new IllegalStateException("expected a live handle for " + call + ", got DELETED (spec §3.12)");
        }
    }

    private void expectRole(Role expected, String call) {
        expectNotDeleted(call);
        if (role != expected) {
            throw new IllegalStateException(call + " is for " + expected + " handles, got a " + role + " handle");
        }
    }

    private void expectState(HandleState expected, String call) {
        if (state != expected) {
            throw new IllegalStateException("expected " + expected + " for " + call + ", got " + state);
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
