package dev.ferry.transport;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outgoing queue of one connection, bounded in payload bytes. Pings and pongs jump ahead of queued
 * data; data leaves in FIFO order.
 *
 * <p>The bound counts data bytes from {@link #add} until {@link #release}, so a message being written still
 * counts. A request that finds the queue empty is always accepted, whatever its size, so one large message
 * never fails on its own. Otherwise a request that does not fit waits for room up to the time its sender
 * allows (0 for asynchronous senders), then fails with {@link SendQueueFullException}.
 *
 * <p>Thread contract: every method may be called from any thread.
 */
final class SendQueue {

    private final long limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final ArrayDeque<SendRequest> control = new ArrayDeque<>();
    private final ArrayDeque<SendRequest> data = new ArrayDeque<>();
    private long queuedBytes;
    private IOException closed;

    SendQueue(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("send queue limit must be at least 1 byte, got " + limit);
        }
        this.limit = limit;
    }

    /**
     * Queues {@code request}, waiting up to {@code waitNanos} for room.
     *
     * @throws SendQueueFullException when no room appeared in time
     * @throws IOException            when the connection is closed
     */
    void add(SendRequest request, long waitNanos) throws IOException, InterruptedException {
        add(request, waitNanos, limit);
    }

    /** As {@link #add(SendRequest, long)}, with {@code bound} in place of the queue's limit. */
    void add(SendRequest request, long waitNanos, long bound) throws IOException, InterruptedException {
        long size = request.size();
        lock.lock();
        try {
            long remaining = waitNanos;
            while (closed == null && queuedBytes > 0 && queuedBytes + size > bound) {
                if (remaining <= 0) {
                    throw new SendQueueFullException(queuedBytes, size, bound);
                }
                remaining = room.awaitNanos(remaining);
            }
            if (closed != null) {
                throw new IOException(closed.getMessage(), closed);
            }
            queuedBytes += size;
            (request.isFlush() || request.type().isData() ? data : control).add(request);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code waitNanos} until a data request of {@code size} bytes would be accepted without waiting
     * under {@code bound} (normally the limit), or the queue is closed.
     *
     * @return whether it would be accepted now
     */
    boolean awaitRoom(long size, long waitNanos, long bound) throws InterruptedException {
        lock.lock();
        try {
            long remaining = waitNanos;
            while (closed == null && queuedBytes > 0 && queuedBytes + size > bound) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = room.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The next request to hand to the handle, control first; null when none. */
    SendRequest poll() {
        lock.lock();
        try {
            SendRequest next = control.poll();
            return next != null ? next : data.poll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether any request is waiting. */
    boolean isEmpty() {
        lock.lock();
        try {
            return control.isEmpty() && data.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Returns a finished (or failed) request's bytes to the bound. */
    void release(SendRequest request) {
        lock.lock();
        try {
            queuedBytes -= request.size();
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Takes a request out if it has not been polled yet; true when it was still queued. */
    boolean remove(SendRequest request) {
        lock.lock();
        try {
            boolean removed = control.remove(request) || data.remove(request);
            if (removed) {
                queuedBytes -= request.size();
                room.signalAll();
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later {@link #add} with {@code reason}; returns what was queued, for the caller to fail. */
    List<SendRequest> close(IOException reason) {
        lock.lock();
        try {
            if (closed == null) {
                closed = reason;
            }
            List<SendRequest> drained = new ArrayList<>(control);
            drained.addAll(data);
            control.clear();
            data.clear();
            queuedBytes = 0;
            room.signalAll();
            return drained;
        } finally {
            lock.unlock();
        }
    }

    static long toNanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
