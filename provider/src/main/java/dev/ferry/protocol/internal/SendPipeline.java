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
 * The send pipeline (spec §5.2): one caller operation at a time becomes one frame, handed out as one
 * {@code SEND_TO_NETWORK} of [header, payload] (J13), then one {@code INDICATE_SEND_COMPLETE}.
 *
 * <p>Theory of operation. An operation moves QUEUED, WRITING (its frame is on loan to the caller),
 * WRITTEN, INDICATING (its completion is on loan), then it is gone. A server puts a read-only view of
 * the caller's payload on the wire; a client masks it into a pooled buffer. Once the handle failed or
 * was aborted, a QUEUED operation skips straight to WRITTEN (cancelled: nothing is written). After a
 * failure the pipeline offers the failure Close (context null) once, unless our own Close is already
 * on the wire, then only {@code NO_ACTION}.
 *
 * <pre>
 * send() -> QUEUED --poll, wire free--> WRITING --complete--> WRITTEN --poll--> INDICATING --complete--> (idle)
 *             \--poll, cancelled or dropped------------------^
 * </pre>
 *
 * <p>Thread contract: not thread safe; owned by the engine and driven under the handle's lock.
 */
final class SendPipeline {

    private enum Phase { QUEUED, WRITING, WRITTEN, INDICATING }

    private final boolean client;
    private final MaskKeys maskKeys;
    private final ByteBuffer header = ByteBuffer.allocate(FrameHeader.MAX_LENGTH);
    /** Largest masked-copy buffer a client keeps between frames; bigger frames get a one-off buffer. */
    static final int MAX_POOLED = 64 * 1024;

    private ByteBuffer pooled;
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
    private long frameBytes;

    private BufferType messageFamily;
    private boolean messageEncoded;
    private boolean closeQueued;
    private boolean closeWritten;
    private boolean closeFrameOutstanding;
    private CloseStatus failureClose;

    SendPipeline(Role role, HandleProperties properties, MaskKeys maskKeys) {
        this.client = role == Role.CLIENT;
        this.maskKeys = properties.disableMasking() ? null : maskKeys;
        this.pooled = client ? ByteBuffer.allocate(properties.sendBufferSize()) : null;
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
                queue(sendType, data == null ? ByteBuffer.allocate(0) : data,
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
        ByteBuffer body = data == null ? ByteBuffer.allocate(0) : data;
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
        ByteBuffer body = ByteBuffer.allocate(0);
        if (status != null) {
            if (!CloseStatus.isSendable(status.code())) {
                throw new IllegalArgumentException("expected a close code that may be sent (1000-1003, 1007-1014,"
                        + " 3000-4999), got " + status.code() + " (RFC 6455 §7.4, J11)");
            }
            ByteBuffer reason = encodeReason(status.reason());
            body = ByteBuffer.allocate(2 + reason.remaining());
            body.putShort((short) status.code()).put(reason).flip();
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

    /**
     * The next action of this pipeline.
     *
     * @param wireFree whether no SEND_TO_NETWORK is outstanding on either pipeline (R5)
     * @param cancel   whether queued work is to be cancelled instead of written (failed or aborted)
     */
    Action poll(boolean wireFree, boolean cancel) {
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
                closeFrameOutstanding = opcode == Opcode.CLOSE;
                return outstanding = frame(opcode, fin, rsv, payload, context, type);
            }
        }
        if (phase == Phase.WRITTEN) {
            phase = Phase.INDICATING;
            return outstanding = new Action.IndicateSendComplete(type, context);
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
            closeFrameOutstanding = true;
            return outstanding = frame(Opcode.CLOSE, true, 0, body, null, BufferType.CLOSE);
        }
        return Action.NO_ACTION;
    }

    private Action frame(Opcode frameOpcode, boolean frameFin, int bits, ByteBuffer body, Object frameContext,
                         BufferType frameType) {
        int length = body.remaining();
        header.clear();
        ByteBuffer wirePayload;
        if (client) {
            int key = maskKeys == null ? 0 : maskKeys.next();
            FrameGenerator.writeHeader(header, frameFin, bits, frameOpcode, true, key, length);
            ByteBuffer target = maskTarget(length);
            Masking.maskInto(body, body.position(), target, 0, length, key, 0);
            wirePayload = target.duplicate().limit(length).position(0);
        } else {
            FrameGenerator.writeHeader(header, frameFin, bits, frameOpcode, false, 0, length);
            wirePayload = body.slice().asReadOnlyBuffer(); // position 0: see Action.SendToNetwork#totalBytes
        }
        header.flip();
        frameBytes = header.remaining() + (long) wirePayload.remaining();
        return new Action.SendToNetwork(frameType, List.of(header, wirePayload), frameContext);
    }

    /**
     * The buffer for a masked copy of {@code length} bytes: the pooled one, grown (up to {@link #MAX_POOLED}
     * or {@code sendBufferSize}, whichever is larger) when a frame needs more; a one-off beyond that.
     */
    private ByteBuffer maskTarget(int length) {
        if (length <= pooled.capacity()) {
            return pooled;
        }
        if (length <= MAX_POOLED) {
            pooled = ByteBuffer.allocate(Math.max(length, Math.min(MAX_POOLED, pooled.capacity() * 2)));
            return pooled;
        }
        return ByteBuffer.allocate(length);
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
            if (bytes < 0 || bytes > frameBytes) {
                throw new IllegalArgumentException("expected 0 to " + frameBytes + " bytes written, got " + bytes
                        + " (spec §3.10)");
            }
            if (closeFrameOutstanding && bytes == frameBytes) {
                closeWritten = true;
            }
            closeFrameOutstanding = false;
            if (phase == Phase.WRITING) {
                phase = Phase.WRITTEN;
                payload = null;
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
