package dev.ferry.transport;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One frame's worth of work for a {@link ConnectionDriver}: a message part, a ping or pong, or a Close.
 * Its identity is the context handed to the handle, so every request is a distinct object.
 *
 * <p>Buffers: {@link #data()} is on loan to the driver from {@link ConnectionDriver#send} until the
 * callback runs; the sender must not touch it meanwhile.
 *
 * <p>Thread contract: immutable but for the one-shot completion, which the driver guards.
 */
public final class SendRequest {

    /** Told once, on the driver's thread, when the request is written or has failed. Must not block. */
    @FunctionalInterface
    public interface Callback {
        /** @param failure null when the frame was written (or batched), else why it was not */
        void completed(Throwable failure);
    }

    private final BufferType type;
    private final ByteBuffer data;
    private final Callback callback;
    private final boolean deferrable;
    private boolean done;

    private SendRequest(BufferType type, ByteBuffer data, Callback callback, boolean deferrable) {
        this.type = type;
        this.data = data;
        this.callback = Objects.requireNonNull(callback, "callback");
        this.deferrable = deferrable;
    }

    /**
     * A data part ({@code UTF8_*} or {@code BINARY_*}), a {@code PING} or an {@code UNSOLICITED_PONG}.
     *
     * @throws IllegalArgumentException for a receive-only type, CLOSE (use the driver's close), or a control
     *                                  payload over 125 bytes (RFC 6455 §5.5)
     */
    public static SendRequest of(BufferType type, ByteBuffer data, Callback callback) {
        switch (type) {
            case UTF8_MESSAGE, UTF8_FRAGMENT, BINARY_MESSAGE, BINARY_FRAGMENT -> { }
            case PING, UNSOLICITED_PONG -> {
                if (data != null && data.remaining() > 125) {
                    throw new IllegalArgumentException("a " + type + " payload is at most 125 bytes, got "
                            + data.remaining() + " (RFC 6455 §5.5)");
                }
            }
            case CLOSE, PONG -> throw new IllegalArgumentException(type + " cannot be sent as a request");
            default -> throw new AssertionError(type);
        }
        return new SendRequest(type, data == null ? ByteBuffer.allocate(0) : data, callback, false);
    }

    /**
     * A data part whose frame may wait, a little, to go out in one transport write with the frames that follow it
     * (see {@link ConnectionDriver}, "Deferred writes"): for a sender on the connection's own callback thread, whose
     * connection goes on to read once it returns. Its callback reports it done once its frame is copied aside.
     *
     * @throws IllegalArgumentException for a type other than {@code UTF8_*} or {@code BINARY_*}
     */
    public static SendRequest deferrable(BufferType type, ByteBuffer data, Callback callback) {
        if (!type.isData()) {
            throw new IllegalArgumentException("only data frames may be deferred, got " + type);
        }
        return new SendRequest(type, data, callback, true);
    }

    /**
     * A marker that goes through the data queue in order: when the driver reaches it, everything batched
     * before it is written, then {@code callback} runs.
     */
    public static SendRequest flush(Callback callback) {
        return new SendRequest(null, ByteBuffer.allocate(0), callback, false);
    }

    /** Whether this request's frame may wait for the frames that follow it ({@link #deferrable}). */
    public boolean isDeferrable() {
        return deferrable;
    }

    /** Whether this is a {@link #flush} marker. */
    public boolean isFlush() {
        return type == null;
    }

    /** The buffer type handed to the handle; null for a {@link #flush} marker. */
    public BufferType type() {
        return type;
    }

    /** The payload (read from position to limit). */
    public ByteBuffer data() {
        return data;
    }

    /** Payload bytes counted against the send queue's bound. */
    long size() {
        return type != null && type.isData() ? data.remaining() : 0;
    }

    /** Completes once; later calls are ignored. Returns whether this call completed it. */
    boolean complete(Throwable failure) {
        synchronized (this) {
            if (done) {
                return false;
            }
            done = true;
        }
        callback.completed(failure);
        return true;
    }

    @Override
    public String toString() {
        return "SendRequest[" + (type == null ? "FLUSH" : type) + ", " + data.remaining() + " bytes]";
    }
}
