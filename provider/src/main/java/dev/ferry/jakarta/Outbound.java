package dev.ferry.jakarta;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.transport.ConnectionDriver;
import dev.ferry.transport.SendQueueFullException;
import dev.ferry.transport.SendRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The send path of one session: blocking and asynchronous sends, the streams' partial messages, and the rule that
 * keeps the frames of different messages apart, for the session's remotes ({@link JakartaBasicRemote},
 * {@link JakartaAsyncRemote}) and message streams ({@link MessageStreams}). The session makes it at its first send,
 * so an idle session has none.
 *
 * <p>Theory of operation: every data frame is admitted and queued on the {@link ConnectionDriver} under one lock, so
 * frames of different messages never interleave (RFC 6455 §5.4). A partial message keeps its kind and may be continued
 * from any thread; a whole message, or a partial one of the other kind, waits until an unfinished partial message ends
 * ({@link #mayGo}): a blocking sender up to its timeout, an asynchronous one by being held and queued right after the
 * last part. Room in the driver's bounded send queue is waited for outside the lock, so one slow sender does not hold
 * up the others. Control frames and flushes skip the rule and go to the driver directly. What a sender waits for once
 * its frame is queued, and what a send made on the connection's own I/O thread does instead, is told at
 * {@link #sendBlocking(BufferType, ByteBuffer, boolean)}.
 *
 * <p>Thread contract: every method may be called from any thread; the partial-message state and the held messages are
 * guarded by {@link #lock}.
 */
final class Outbound {

    /** The callback of a blocking send whose payload is not a copy of {@link SendCopies}: the sender awaits it. */
    private static final SendRequest.Callback NOTHING_TO_GIVE_BACK = failure -> { };
    /** The wait of a sender that must not wait for a partial message of another thread ({@link #mayGo}). */
    private static final long NO_WAIT = Long.MIN_VALUE;

    /** An asynchronous message held while another thread's partial message is unfinished. */
    private record Held(SendRequest request, CompletableFuture<Throwable> outcome) { }

    private final JakartaSession session;
    private final SessionHost host;
    private final ConnectionDriver driver;
    private final SerialExecutor callbacks;
    /** Admits data frames in message order and queues them (see {@link #enqueueInOrder}). */
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: the kind of the partial message being sent (or null), the thread that sent its last part,
    // asynchronous whole messages held until it ends, and the condition senders waiting for its end wait on. The
    // last two are made by their first use: most sessions never send a partial message.
    private Boolean partialText;
    private Thread partialThread;
    private ArrayDeque<Held> held;
    private Condition partialEnded;

    Outbound(JakartaSession session, SessionHost host, ConnectionDriver driver, SerialExecutor callbacks) {
        this.session = session;
        this.host = host;
        this.driver = driver;
        this.callbacks = callbacks;
    }

    /** How long a blocking send may take, in nanoseconds. */
    private long blockingTimeoutNanos() {
        long asyncSendTimeout = session.asyncSendTimeout();
        long millis = asyncSendTimeout > 0 ? asyncSendTimeout : host.blockingSendTimeout();
        return TimeUnit.MILLISECONDS.toNanos(millis > 0 ? millis : 60_000);
    }

    /**
     * Admits the start of a partial message sent through a stream or writer ({@link MessageStreams}), waiting, as
     * a blocking send does, for a partial message of another thread to end. Its parts then go through
     * {@link #sendBlocking(BufferType, ByteBuffer, boolean)} with {@code partial} true.
     */
    void startPartialMessage(boolean text) throws IOException {
        long timeout = blockingTimeoutNanos();
        long deadline = System.nanoTime() + timeout;
        try {
            lockOrder(deadline);
            try {
                mayGo(text, true, deadline, timeout);
                advance(text, true, false);
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to start a message");
        }
    }

    /**
     * Ends the partial message being sent without sending its last part: a stream or writer whose producer failed
     * ({@link MessageStreams.MessageStream#abandon}). Senders waiting for it go on, and the asynchronous messages
     * held for it are written now.
     */
    void abandonPartialMessage() {
        lock.lock();
        try {
            advance(partialText != null && partialText, true, true);
        } finally {
            lock.unlock();
        }
        driver.drive(); // releaseHeld queued them without running the loop
    }

    private void lockOrder(long deadline) throws InterruptedException, SocketTimeoutException {
        if (!lock.tryLock() && !lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new SocketTimeoutException("the send could not start within the send timeout: other threads were"
                    + " queueing messages on this session all that time");
        }
    }

    /**
     * The message-order rule, under {@link #lock}: true when a data frame of this kind may be queued now. A
     * partial message keeps its kind and may be continued from any thread. A whole message, or a partial one of
     * the other kind, waits until an unfinished partial message ends, unless the calling thread sent that
     * message's last part (it would wait for itself: {@code IllegalStateException}). An asynchronous sender
     * ({@code waitNanos} {@link #NO_WAIT}) does not wait: false, and it holds its message until the partial message
     * ends. (A primitive: a boxed timeout would be one allocation per send.)
     */
    private boolean mayGo(boolean text, boolean partial, long deadline, long waitNanos) throws InterruptedException {
        while (partialText != null && !(partial && partialText == text)) {
            if (partialThread == Thread.currentThread()) {
                throw new IllegalStateException("a partial " + (partialText ? "text" : "binary")
                        + " message is being sent by this thread; finish it (isLast = true) before sending a "
                        + (partial ? "partial " : "whole ") + (text ? "text" : "binary") + " message");
            }
            if (waitNanos == NO_WAIT) {
                return false;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("waited " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms for the"
                        + " partial " + (partialText ? "text" : "binary") + " message another thread is sending"
                        + " to end (isLast = true); no other message may go in the middle of it (RFC 6455 §5.4)");
            }
            if (partialEnded == null) {
                partialEnded = lock.newCondition();
            }
            partialEnded.awaitNanos(left);
        }
        return true;
    }

    /** Records that a frame admitted by {@link #mayGo} is queued; the end of a partial message releases waiters. */
    private void advance(boolean text, boolean partial, boolean last) {
        if (partial && !last) {
            partialText = text;
            partialThread = Thread.currentThread();
        } else if (partialText != null) {
            partialText = null;
            partialThread = null;
            if (partialEnded != null) {
                partialEnded.signalAll();
            }
            releaseHeld();
        }
    }

    /** Queues the asynchronous messages held for a partial message that has just ended; under {@link #lock}. */
    private void releaseHeld() {
        Held next;
        while (held != null && (next = held.poll()) != null) {
            try {
                driver.enqueue(next.request());
            } catch (IOException e) {
                next.outcome().complete(e);
            }
        }
    }

    /** Takes {@code request} out of the held messages, failing it with {@code cause}; false when not held. */
    private boolean unhold(SendRequest request, Throwable cause) {
        lock.lock();
        try {
            if (held == null) {
                return false;
            }
            for (var it = held.iterator(); it.hasNext(); ) {
                Held candidate = it.next();
                if (candidate.request() == request) {
                    it.remove();
                    candidate.outcome().complete(cause);
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The connection is closed: fails the held messages, if any, with an exception made only when there are some. */
    void failHeld(CloseStatus status, Throwable failure) {
        lock.lock();
        try {
            if (held == null || held.isEmpty()) {
                return;
            }
            IOException reason = new IOException("the connection is closed (" + status.code() + ")", failure);
            for (Held h : held) {
                h.outcome().complete(reason);
            }
            held.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Sends one frame (a whole message, a control frame, or a flush when {@code type} is null) and waits. */
    void sendBlocking(BufferType type, ByteBuffer data) throws IOException {
        sendBlocking(type, data, type != null && type.isData() && !type.isFinal());
    }

    /**
     * Sends one frame and waits until it is written (or batched), at most the blocking send timeout. On a thread
     * running an endpoint callback inline (the connection's own I/O thread, see
     * {@link JakartaSession#deliver}) the frame is
     * written at once as far as the transport takes it, and the call returns without waiting for the rest: the
     * transport may hold back its "writable again" callback until that very thread returns, so waiting there could
     * only end in the timeout. The payload must then outlive the call: a small data frame's payload is lent to the
     * driver ({@link SendRequest#lent}), which copies the frame aside before the call returns (or has the payload
     * copied, should it not get to it); any other payload is copied first (a large one into an array of
     * {@link SendCopies}, given back once the frame is written). A small data frame
     * sent there is deferred ({@link SendRequest#deferrable}): it goes out with the replies to the other messages of
     * the same read, in one write, before the connection reads again or this thread returns to the container (at
     * most {@code ConnectionDriver}'s deferred-write bound later, should the callback block). When the send queue
     * is full such a send cannot wait for room either: the queue may then hold up to
     * {@link ConnectionDriver#STRETCH} times its limit for the rest of that callback (past that the send waits, up
     * to the timeout), and the session's later callbacks run on the host's executor, where a full queue is waited
     * on as usual. Servlet containers need this: Tomcat does not call a connection's write callback while its read
     * callback runs ({@code LargeSendsFromOnMessageIT}).
     *
     * @param partial whether the frame is part of a partial message ({@code type} being final ends it)
     */
    void sendBlocking(BufferType type, ByteBuffer data, boolean partial) throws IOException {
        sendBlocking(type, data, partial, false);
    }

    /**
     * As {@link #sendBlocking(BufferType, ByteBuffer, boolean)}, for a payload this session made and nobody else
     * holds ({@code owned}, such as a text message's UTF-8): never copied, even when the frame may outlive the call.
     */
    void sendBlocking(BufferType type, ByteBuffer data, boolean partial, boolean owned) throws IOException {
        session.checkNotClosed();
        long timeout = blockingTimeoutNanos();
        long deadline = System.nanoTime() + timeout;
        boolean inline = callbacks.isInlineThread();
        // A small data frame's payload is lent to the driver, which copies the frame aside (see SendRequest.lent).
        boolean lent = inline && type != null && type.isData() && data != null && !owned
                && data.remaining() <= SendRequest.LENDABLE;
        ByteBuffer payload = inline && data != null && !owned && !lent ? SendCopies.SHARED.copyOf(data) : data;
        SendRequest.Callback completion = payload == data || payload.capacity() < SendCopies.SMALLEST
                ? NOTHING_TO_GIVE_BACK
                : failure -> {
                    if (failure == null) {
                        SendCopies.SHARED.giveBack(payload); // written in full: nothing refers to the copy any more
                    }
                };
        SendRequest request = type == null ? SendRequest.flush(completion)
                : lent ? SendRequest.lent(type, payload, completion)
                : inline && type.isData() ? SendRequest.deferrable(type, payload, completion)
                : SendRequest.of(type, payload, completion);
        try {
            sendAndWait(request, partial, deadline, timeout, inline);
        } finally {
            if (lent) {
                request.settle(); // the caller may change its buffer once this returns
            }
        }
    }

    private void sendAndWait(SendRequest request, boolean partial, long deadline, long timeout, boolean inline)
            throws IOException {
        BufferType type = request.type();
        boolean queued = false;
        Throwable failure;
        try {
            if (type != null && type.isData()) {
                enqueueInOrder(request, partial, deadline, timeout, inline);
                queued = true;
                driver.drive();
            } else {
                driver.send(request, timeout);
                queued = true;
            }
            if (request.isDone()) {
                failure = request.failure();
            } else if (inline) {
                return; // written when this callback returns (see above)
            } else {
                failure = request.await(Math.max(0, deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            if (queued) {
                driver.cancel(request, e);
            }
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        } catch (TimeoutException e) {
            SocketTimeoutException timedOut = new SocketTimeoutException("the send did not finish within "
                    + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms (the peer is not reading)");
            driver.cancel(request, timedOut);
            throw timedOut;
        }
        if (failure instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    /**
     * Admits and queues a data frame atomically under {@link #lock}, so frames of different messages never
     * interleave; waits for room in the send queue outside the lock, so other senders are not held up by it.
     */
    private void enqueueInOrder(SendRequest request, boolean partial, long deadline, long timeout, boolean inline)
            throws IOException, InterruptedException {
        BufferType type = request.type();
        boolean stretched = false;
        while (true) {
            lockOrder(deadline);
            try {
                mayGo(type.isText(), partial, deadline, timeout);
                try {
                    driver.enqueue(request, stretched);
                    advance(type.isText(), partial, type.isFinal());
                    return;
                } catch (SendQueueFullException full) {
                    if (inline && !stretched) {
                        // This thread cannot wait for the writes that make room (see sendBlocking): let the queue
                        // stretch for the rest of this callback, and run this session's later callbacks on the
                        // executor, where a full queue can be waited on.
                        stretched = true;
                        callbacks.refuseInline();
                        continue;
                    }
                    if (deadline - System.nanoTime() <= 0) {
                        throw full;
                    }
                }
            } finally {
                lock.unlock();
            }
            driver.awaitRoom(request.data().remaining(), Math.max(0, deadline - System.nanoTime()), stretched);
        }
    }

    /**
     * Queues one whole message without waiting; {@code whenDone} gets null or the failure, on the host's
     * executor. When the async send timeout passes first, the send fails with {@code SocketTimeoutException}.
     * While another thread's partial message is unfinished the message is held and queued right after its last
     * part (see {@link #mayGo}). Sent from a callback running on the connection's own I/O thread, a small message is
     * deferred as a blocking send there is (see {@link #sendBlocking(BufferType, ByteBuffer, boolean)}).
     *
     * @return the request, for {@link #withdraw}
     */
    SendRequest sendAsync(BufferType type, ByteBuffer data, Consumer<Throwable> whenDone) {
        session.checkNotClosed();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        SendRequest request = callbacks.isInlineThread() ? SendRequest.deferrable(type, data, outcome::complete)
                : SendRequest.of(type, data, outcome::complete);
        long timeout = session.asyncSendTimeout();
        if (timeout > 0) {
            var timer = host.scheduler().schedule(() -> {
                SocketTimeoutException timedOut = new SocketTimeoutException(
                        "the send did not finish within the async send timeout of " + timeout + " ms");
                if (!unhold(request, timedOut)) {
                    driver.cancel(request, timedOut);
                }
            }, Duration.ofMillis(timeout));
            outcome.thenRun(timer::cancel);
        }
        outcome.thenAcceptAsync(whenDone, host.executor());
        lock.lock();
        try {
            if (mayGo(type.isText(), false, 0, NO_WAIT)) {
                driver.enqueue(request);
                advance(type.isText(), false, true);
            } else {
                if (held == null) {
                    held = new ArrayDeque<>(2);
                }
                held.add(new Held(request, outcome));
            }
        } catch (IOException e) {
            outcome.complete(e);
        } catch (InterruptedException e) {
            throw new AssertionError("an admission that does not wait was interrupted", e);
        } finally {
            lock.unlock();
        }
        driver.drive();
        return request;
    }

    /**
     * Takes back an asynchronous send that has not started: held, or still in the send queue. It then fails with
     * a {@code CancellationException}. A send whose frame has reached the handle is not taken back (its bytes may
     * be on the wire already): false, and it finishes normally.
     */
    boolean withdraw(SendRequest request) {
        CancellationException cancelled = new CancellationException("the send was cancelled before it started");
        return unhold(request, cancelled) || driver.withdraw(request, cancelled);
    }
}
