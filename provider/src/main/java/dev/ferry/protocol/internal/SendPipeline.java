package dev.ferry.protocol.internal;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.Extension;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.Role;
import dev.ferry.protocol.frame.FrameGenerator;
import dev.ferry.protocol.frame.FrameHeader;
import dev.ferry.protocol.frame.Masking;
import dev.ferry.protocol.frame.Opcode;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The send pipeline (spec §5.2): one caller operation at a time becomes one frame, handed out as
 * {@code SEND_TO_NETWORK} actions of [header, payload] (J13), then one {@code INDICATE_SEND_COMPLETE}.
 *
 * <p>Theory of operation. An operation moves QUEUED, WRITING (part of its frame is on loan to the caller),
 * WRITTEN, INDICATING (its completion is on loan), then it is gone. A server puts a read-only view of the
 * caller's payload on the wire, the whole frame in one action. A client masks the payload into one pooled
 * buffer of {@code sendBufferSize} bytes: a frame that fits goes out in one action; a bigger one goes out
 * as several, [header, first masked chunk], then [next masked chunk] each time the previous one was
 * written (PARTLY_WRITTEN), and while it does the frame holds the wire, so no pong can come between two of
 * its chunks (R5). Once the handle failed or was aborted, a QUEUED operation skips straight to WRITTEN
 * (cancelled: nothing is written); a partly written frame is finished after a failure, so the failure
 * Close can follow it, and dropped after an abort. After a failure the pipeline offers the failure Close
 * (context null) once, unless our own Close is already on the wire, then only {@code NO_ACTION}.
 *
 * <pre>
 * send() -> QUEUED --poll, wire free--> WRITING --complete, frame done--> WRITTEN --poll--> INDICATING --complete--> (idle)
 *             |                          ^     \--complete, more to mask--> PARTLY_WRITTEN --poll--^
 *             \--poll, cancelled or dropped (or a short write, or abort while PARTLY_WRITTEN)--> WRITTEN
 * </pre>
 *
 * <p>Allocation. The header buffer, the masking buffer and its view are the pipeline's own, and an action
 * is handed out again while nothing in it changed (same buffers, type and context), as the receive pipeline
 * does: a client's message, or a server's resent from the same buffer at the same position, allocates
 * nothing. A server's message from a new buffer allocates one read-only view, its list and its action. A
 * server's header buffer is made by its first frame: a server's connection that stays idle sends none.
 *
 * <p>Thread contract: not thread safe; owned by the engine and driven under the handle's lock.
 */
final class SendPipeline {

    private enum Phase { QUEUED, WRITING, PARTLY_WRITTEN, WRITTEN, INDICATING }

    private final boolean client;
    private final MaskKeys maskKeys;
    /**
     * Where frame headers are written: a client's from the start, a server's from its first frame (see
     * "Allocation").
     */
    private ByteBuffer header;
    /** What goes out of {@link #header}: every buffer handed out is read-only (J12). */
    private ByteBuffer headerView;
    /**
     * The payload of a frame sent without data. Shared by every pipeline: it has no byte to change, and its position
     * and limit are 0 for good (only read here, never moved), so no pipeline can see another's use of it.
     */
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Client only: where payloads are masked, {@code sendBufferSize} bytes, and its one view handed out. */
    private final ByteBuffer pooled;
    private final ByteBuffer pooledView;
    private final List<ByteBuffer> headerAndPooled;
    private final List<ByteBuffer> pooledOnly;

    private Extension encoder;

    private Phase phase;
    private BufferType type;
    private Object context;
    private ByteBuffer payload;
    private Opcode opcode;
    private boolean fin;
    private int rsv;
    private boolean dropped;
    private Action outstanding;
    private long actionBytes;

    // The frame on the wire: the payload bytes not yet handed out, and the client's masking key and offset.
    private boolean frameIsClose;
    private int frameMaskKey;
    private int frameNext;
    private int frameRemaining;
    private long frameMasked;

    // Actions handed out again while unchanged (see "Allocation").
    private Action.SendToNetwork lastFrame;
    private Action.SendToNetwork lastChunk;
    private Action.IndicateSendComplete lastCompletion;
    private ByteBuffer lastBody;
    private int lastBodyPosition;
    private int lastBodyLength;
    private ByteBuffer lastBodyView;

    private BufferType messageFamily;
    private boolean messageEncoded;
    private boolean closeQueued;
    private boolean closeWritten;
    private CloseStatus failureClose;

    SendPipeline(Role role, HandleProperties properties, MaskKeys maskKeys) {
        this.client = role == Role.CLIENT;
        this.maskKeys = properties.disableMasking() ? null : maskKeys;
        if (client) {
            makeHeader();
        }
        this.pooled = client ? ByteBuffer.allocate(properties.sendBufferSize()) : null;
        this.pooledView = client ? pooled.asReadOnlyBuffer() : null;
        this.headerAndPooled = client ? List.of(headerView, pooledView) : null;
        this.pooledOnly = client ? List.of(pooledView) : null;
    }

    /** Installs the negotiated extensions: the first one claiming RSV bits encodes every data message. */
    void useExtensions(List<Extension> negotiated) {
        for (Extension extension : negotiated) {
            if (extension.rsvBits() != 0) {
                encoder = extension;
                return;
            }
        }
    }

    boolean closeWritten() {
        return closeWritten;
    }

    /** Queues a data, ping or unsolicited pong send (the engine checked the phase). */
    void send(BufferType sendType, ByteBuffer data, Object operationContext) {
        checkIdle();
        int length = data == null ? 0 : data.remaining();
        switch (sendType) {
            case UTF8_MESSAGE, UTF8_FRAGMENT, BINARY_MESSAGE, BINARY_FRAGMENT -> queueData(sendType, data, operationContext);
            case PING, UNSOLICITED_PONG -> {
                if (length > 125) {
                    throw new IllegalArgumentException("expected a " + sendType + " payload of at most 125 bytes, got "
                            + length + " (RFC 6455 §5.5, J3)");
                }
                queue(sendType, data == null ? EMPTY : data,
                        sendType == BufferType.PING ? Opcode.PING : Opcode.PONG, true, 0, operationContext);
                // Once our Close is queued nothing may follow it on the wire (RFC 6455 §5.5.1): accepted, dropped.
                dropped = closeQueued;
            }
            case CLOSE, PONG -> throw new IllegalArgumentException("expected a sendable buffer type, got " + sendType
                    + (sendType == BufferType.CLOSE ? " (use sendClose)" : " (receive only; send UNSOLICITED_PONG)"));
        }
    }

    private void queueData(BufferType sendType, ByteBuffer data, Object operationContext) {
        if (closeQueued) {
            throw new IllegalStateException("expected no data after our Close, got " + sendType
                    + " (RFC 6455 §5.5.1)");
        }
        BufferType family = sendType.isText() ? BufferType.UTF8_MESSAGE : BufferType.BINARY_MESSAGE;
        if (messageFamily != null && messageFamily != family) {
            throw new IllegalStateException("expected the rest of the " + (messageFamily.isText() ? "text" : "binary")
                    + " message in progress, got " + sendType + " (spec §5.5)");
        }
        boolean first = messageFamily == null;
        boolean last = sendType.isFinal();
        ByteBuffer body = data == null ? EMPTY : data;
        int bits = 0;
        if (first) {
            // Asked once per message (Extension#encodes): false sends the whole message plain, RSV clear.
            messageEncoded = encoder != null && encoder.encodes(body, last);
        }
        if (messageEncoded) {
            body = encoder.encode(body, first, last);
            bits = first ? encoder.rsvBits() : 0;
        }
        Opcode frameOpcode = first ? (sendType.isText() ? Opcode.TEXT : Opcode.BINARY) : Opcode.CONTINUATION;
        queue(sendType, body, frameOpcode, last, bits, operationContext);
        messageFamily = last ? null : family;
    }

    /** Queues our Close; null status means a Close with no body (the engine checked the phase). */
    void sendClose(CloseStatus status, Object operationContext) {
        checkIdle();
        if (closeQueued) {
            throw new IllegalStateException("expected one Close, got a second sendClose (RFC 6455 §5.5.1)");
        }
        ByteBuffer body = EMPTY;
        if (status != null) {
            if (!CloseStatus.isSendable(status.code())) {
                throw new IllegalArgumentException("expected a close code that may be sent (1000-1003, 1007-1014,"
                        + " 3000-4999), got " + status.code() + " (RFC 6455 §7.4, J11)");
            }
            if (status.reason().isEmpty()) { // most Close frames: the code alone, no encoder needed
                body = ByteBuffer.allocate(2).putShort((short) status.code()).flip();
            } else {
                ByteBuffer reason = encodeReason(status.reason());
                body = ByteBuffer.allocate(2 + reason.remaining());
                body.putShort((short) status.code()).put(reason).flip();
            }
        }
        queue(BufferType.CLOSE, body, Opcode.CLOSE, true, 0, operationContext);
        closeQueued = true;
    }

    private static ByteBuffer encodeReason(String reason) {
        try {
            return StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(reason));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("expected a close reason that is valid Unicode, got one with an"
                    + " unpaired surrogate (RFC 6455 §5.5.1, J11)", e);
        }
    }

    private void checkIdle() {
        if (phase != null) {
            throw new IllegalStateException("expected the previous send to be complete, got a second send while "
                    + type + " is outstanding (spec §5.1 R3)");
        }
    }

    private void queue(BufferType sendType, ByteBuffer body, Opcode frameOpcode, boolean frameFin, int bits,
                       Object operationContext) {
        phase = Phase.QUEUED;
        context = operationContext;
        type = sendType;
        payload = body;
        opcode = frameOpcode;
        fin = frameFin;
        rsv = bits;
        dropped = false;
    }

    /** The handle failed: after what is in flight, send {@code close} once (unless our Close is out). */
    void fail(CloseStatus close) {
        failureClose = close;
    }

    /** Whether a frame is partly written: nothing else may go on the wire until it is finished (R5). */
    boolean holdsWire() {
        return phase == Phase.PARTLY_WRITTEN;
    }

    /**
     * The next action of this pipeline.
     *
     * @param wireFree whether no SEND_TO_NETWORK is outstanding on either pipeline (R5)
     * @param cancel   whether queued work is to be cancelled instead of written (failed or aborted)
     * @param aborted  whether the handle was aborted: a partly written frame is dropped too
     */
    Action poll(boolean wireFree, boolean cancel, boolean aborted) {
        if (outstanding != null) {
            return Action.NO_ACTION;
        }
        if (phase == Phase.QUEUED) {
            if (cancel || dropped) {
                phase = Phase.WRITTEN;
            } else if (!wireFree) {
                return Action.NO_ACTION;
            } else {
                phase = Phase.WRITING;
                return outstanding = firstAction(opcode, fin, rsv, payload, context, type);
            }
        }
        if (phase == Phase.PARTLY_WRITTEN) {
            if (aborted) {
                phase = Phase.WRITTEN;
            } else {
                phase = Phase.WRITING;
                return outstanding = nextChunk(type, context);
            }
        }
        if (phase == Phase.WRITTEN) {
            phase = Phase.INDICATING;
            Action.IndicateSendComplete completion = lastCompletion;
            if (completion == null || completion.bufferType() != type || completion.context() != context) {
                completion = lastCompletion = new Action.IndicateSendComplete(type, context);
            }
            return outstanding = completion;
        }
        if (phase == null && failureClose != null && wireFree) {
            CloseStatus close = failureClose;
            failureClose = null;
            if (closeWritten) {
                return Action.NO_ACTION;
            }
            ByteBuffer reason = StandardCharsets.UTF_8.encode(close.reason());
            ByteBuffer body = ByteBuffer.allocate(2 + reason.remaining());
            body.putShort((short) close.code()).put(reason).flip();
            return outstanding = firstAction(Opcode.CLOSE, true, 0, body, null, BufferType.CLOSE);
        }
        return Action.NO_ACTION;
    }

    private void makeHeader() {
        header = ByteBuffer.allocate(FrameHeader.MAX_LENGTH);
        headerView = header.asReadOnlyBuffer();
    }

    /** The header and the first (for a server: the only) part of the payload of a new frame. */
    private Action firstAction(Opcode frameOpcode, boolean frameFin, int bits, ByteBuffer body, Object frameContext,
                               BufferType frameType) {
        int length = body.remaining();
        frameIsClose = frameOpcode == Opcode.CLOSE;
        if (header == null) {
            makeHeader();
        }
        header.clear();
        if (!client) {
            FrameGenerator.writeHeader(header, frameFin, bits, frameOpcode, false, 0, length);
            headerView.limit(header.position()).position(0);
            ByteBuffer view = viewOf(body, length);
            frameRemaining = 0;
            actionBytes = headerView.remaining() + (long) length;
            boolean sameView = lastFrame != null && lastFrame.buffers().get(1) == view;
            return action(frameType, sameView ? lastFrame.buffers() : List.of(headerView, view), frameContext);
        }
        frameMaskKey = maskKeys == null ? 0 : maskKeys.next();
        FrameGenerator.writeHeader(header, frameFin, bits, frameOpcode, true, frameMaskKey, length);
        headerView.limit(header.position()).position(0);
        frameNext = body.position();
        frameRemaining = length;
        frameMasked = 0;
        int chunk = maskChunk(body);
        actionBytes = headerView.remaining() + (long) chunk;
        return action(frameType, headerAndPooled, frameContext);
    }

    /** Client only: the next masked chunk of a partly written frame. */
    private Action nextChunk(BufferType frameType, Object frameContext) {
        actionBytes = maskChunk(payload);
        return action(frameType, pooledOnly, frameContext);
    }

    /** Masks the next at most {@code sendBufferSize} payload bytes into the pooled buffer; returns how many. */
    private int maskChunk(ByteBuffer body) {
        int chunk = Math.min(frameRemaining, pooled.capacity());
        Masking.maskInto(body, frameNext, pooled, 0, chunk, frameMaskKey, frameMasked);
        frameNext += chunk;
        frameRemaining -= chunk;
        frameMasked += chunk;
        pooledView.limit(chunk).position(0);
        return chunk;
    }

    /**
     * A read-only view of {@code body}'s remaining bytes that starts at position 0 (see
     * {@link Action.SendToNetwork#totalBytes}): the last one again when {@code body} is the same buffer at the
     * same position and length.
     */
    private ByteBuffer viewOf(ByteBuffer body, int length) {
        if (body == lastBody && body.position() == lastBodyPosition && length == lastBodyLength) {
            return lastBodyView.limit(length).position(0);
        }
        ByteBuffer view = body.position() == 0 ? body.asReadOnlyBuffer() : body.slice().asReadOnlyBuffer();
        lastBody = body;
        lastBodyPosition = body.position();
        lastBodyLength = length;
        lastBodyView = view;
        return view;
    }

    /** The action for these buffers: the last one handed out with the same list, type and context, or a new one. */
    private Action.SendToNetwork action(BufferType frameType, List<ByteBuffer> buffers, Object frameContext) {
        boolean laterChunk = buffers == pooledOnly;
        Action.SendToNetwork action = laterChunk ? lastChunk : lastFrame;
        if (action == null || action.buffers() != buffers || action.bufferType() != frameType
                || action.context() != frameContext) {
            action = new Action.SendToNetwork(frameType, buffers, frameContext);
            if (laterChunk) {
                lastChunk = action;
            } else {
                lastFrame = action;
            }
        }
        return action;
    }

    /**
     * Completes this pipeline's outstanding action.
     *
     * @return true when {@code action} was that action
     */
    boolean complete(Action action, long bytes) {
        if (action != outstanding || action == null) {
            return false;
        }
        if (action instanceof Action.SendToNetwork) {
            if (bytes < 0 || bytes > actionBytes) {
                throw new IllegalArgumentException("expected 0 to " + actionBytes + " bytes written, got " + bytes
                        + " (spec §3.10)");
            }
            boolean whole = bytes == actionBytes;
            boolean more = whole && frameRemaining > 0;
            if (frameIsClose && whole && !more) {
                closeWritten = true;
            }
            if (phase == Phase.WRITING) {
                phase = more ? Phase.PARTLY_WRITTEN : Phase.WRITTEN;
                if (!more) {
                    payload = null;
                }
            }
            if (!more) {
                frameIsClose = false;
                frameRemaining = 0;
            }
        } else if (action instanceof Action.IndicateSendComplete) {
            phase = null;
            context = null;
            type = null;
        } else {
            throw new AssertionError(action);
        }
        outstanding = null;
        return true;
    }
}
