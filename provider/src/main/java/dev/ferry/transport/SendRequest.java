package dev.ferry.transport;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.frame.FrameHeader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One frame's worth of work for a {@link ConnectionDriver}: a message part, a ping or pong, or a Close.
 *
 * <p>Buffers: {@link #data()} is on loan to the driver from {@link ConnectionDriver#send} until the
 * callback runs (a {@linkplain #lent lent} payload only until {@link #settle()}); the sender must not touch it
 * meanwhile.
 *
 * <p>Thread contract: immutable but for the one-shot completion (a compare-and-set) and a {@linkplain #lent lent}
 * payload (guarded by the request); one thread at a time may {@link #await} it.
 */
public final class SendRequest {

    /** Told once, on the driver's thread, when the request is written or has failed. Must not block. */
    @FunctionalInterface
    public interface Callback {
        /** @param failure null when the frame was written (or batched), else why it was not */
        void completed(Throwable failure);
    }

    private static final Object WRITTEN = new Object();
    private static final VarHandle OUTCOME;

    static {
        try {
            OUTCOME = MethodHandles.lookup().findVarHandle(SendRequest.class, "outcome", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The largest payload that may be {@linkplain #lent}: the size of a frame that is deferred. */
    public static final int LENDABLE = WritePath.DEFERRED_FRAME - FrameHeader.MAX_LENGTH;

    private final BufferType type;
    private final Callback callback;
    private final boolean deferrable;
    private final long size;
    // Guarded by this while lent (see lent): the lent payload, or the copy that replaced it.
    private ByteBuffer data;
    /** The sender, while its payload is lent and not copied; guarded by this. */
    private Thread lender;
    /** The lent payload itself went to the handle, on the lender's thread; guarded by this. */
    private boolean lentToHandle;
    /**
     * Null until the request completes, then {@link #WRITTEN} or why it failed: set once by a compare-and-set, read
     * without a lock (the sender asks whether its request is done on every send).
     */
    private volatile Object outcome;
    /** The thread in {@link #await}, if any: unparked when the request completes. */
    private volatile Thread waiter;

    private SendRequest(BufferType type, ByteBuffer data, Callback callback, boolean deferrable) {
        this.type = type;
        this.data = data;
        this.callback = Objects.requireNonNull(callback, "callback");
        this.deferrable = deferrable;
        this.size = type != null && type.isData() ? data.remaining() : 0;
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
     * A {@linkplain #deferrable deferrable} data part whose payload, of at most {@link #LENDABLE} bytes, is lent only
     * until the sender calls {@link #settle()}, which it must do, on the thread that made this request, before it
     * returns from the call that sent it (the caller may change the buffer after that). Meanwhile the driver either
     * copies the frame aside on that thread, when the sender runs its loop ({@link ConnectionDriver#drive()}) and
     * nothing stands before the frame, or copies the payload before it hands it to the handle; {@link #settle()}
     * copies it when neither has happened yet. For a sender on the connection's own callback thread, whose small reply
     * is nearly always copied aside at once: it spares a copy of its own.
     *
     * @throws IllegalArgumentException for a type other than {@code UTF8_*} or {@code BINARY_*}, or a payload over
     *                                  {@link #LENDABLE} bytes
     */
    public static SendRequest lent(BufferType type, ByteBuffer data, Callback callback) {
        if (data.remaining() > LENDABLE) {
            throw new IllegalArgumentException("a lent payload is at most " + LENDABLE + " bytes, got "
                    + data.remaining());
        }
        SendRequest request = deferrable(type, data, callback);
        request.lender = Thread.currentThread();
        return request;
    }

    /**
     * The sender of a {@linkplain #lent lent} payload is about to return: copies the payload unless the driver has
     * taken it already (then the frame has been copied aside, see {@link #lent}). Does nothing for other requests.
     *
     * @throws IllegalStateException on a thread other than the sender's
     */
    public synchronized void settle() {
        if (lender == null) {
            return;
        }
        if (lender != Thread.currentThread()) {
            throw new IllegalStateException("a lent payload is settled by its sender's thread " + lender.getName()
                    + ", not by " + Thread.currentThread().getName());
        }
        if (lentToHandle && outcome == null) {
            // The driver copies a frame it took on the sender's thread aside in that loop run, before drive() returns.
            throw new IllegalStateException("the driver still holds the lent payload of " + this);
        }
        if (!lentToHandle) {
            data = copyOf(data);
        }
        lender = null;
    }

    /**
     * The payload to hand to the handle. For a {@linkplain #lent lent} one: the lent buffer itself when the driver
     * runs on the sender's thread and {@code copiedAsideNow} (it will copy the frame aside before its loop run ends,
     * see {@link #isLentToHandle()}), else a copy made now.
     */
    synchronized ByteBuffer payloadForHandle(boolean copiedAsideNow) {
        if (lender != null) {
            if (copiedAsideNow && lender == Thread.currentThread()) {
                lentToHandle = true;
            } else {
                data = copyOf(data);
                lender = null;
            }
        }
        return data;
    }

    /** Whether the handle holds the lent payload itself: the driver must copy this frame aside, whatever its size. */
    synchronized boolean isLentToHandle() {
        return lentToHandle;
    }

    private static ByteBuffer copyOf(ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
        return copy.put(0, payload, payload.position(), payload.remaining());
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

    /** The payload (read from position to limit); for a {@linkplain #lent lent} one, see {@link #payloadForHandle}. */
    public synchronized ByteBuffer data() {
        return data;
    }

    /** Payload bytes counted against the send queue's bound. */
    long size() {
        return size;
    }

    /** Completes once; later calls are ignored. Returns whether this call completed it. */
    boolean complete(Throwable failure) {
        if (!OUTCOME.compareAndSet(this, (Object) null, failure != null ? failure : WRITTEN)) {
            return false;
        }
        Thread sender = waiter;
        if (sender != null) {
            LockSupport.unpark(sender);
        }
        callback.completed(failure);
        return true;
    }

    /** Whether the request has completed: its frame was written (or batched, or deferred), or it failed. */
    public boolean isDone() {
        return outcome != null;
    }

    /** Why the request failed, once {@linkplain #isDone done}; null when its frame was written, batched or deferred. */
    public Throwable failure() {
        return outcome instanceof Throwable failed ? failed : null;
    }

    /**
     * Waits up to {@code nanos} for the request to complete, on the one thread that waits for it (its sender); its
     * callback may still be running when this returns.
     *
     * @return null when its frame was written (or batched, or deferred), else why it was not
     * @throws TimeoutException     when it did not complete in time
     * @throws InterruptedException when the thread was interrupted while it waited
     */
    public Throwable await(long nanos) throws InterruptedException, TimeoutException {
        if (isDone()) {
            return failure();
        }
        long deadline = System.nanoTime() + nanos;
        waiter = Thread.currentThread();
        try {
            while (!isDone()) { // a request done by then is reported, and an interrupt left for the caller to see
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for a send to complete");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("the send did not complete within " + nanos + " ns");
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            waiter = null;
        }
        return failure();
    }

    @Override
    public String toString() {
        return "SendRequest[" + (type == null ? "FLUSH" : type) + ", " + data().remaining() + " bytes]";
    }
}
