package dev.ferry.transport;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The outgoing queue of one connection, bounded in payload bytes. Pings and pongs jump ahead of queued
 * data; data leaves in FIFO order.
 *
 * <p>The bound counts data bytes from {@link #add} until {@link #release}, so a message being written still
 * counts. A request that finds the queue empty is always accepted, whatever its size, so one large message
 * never fails on its own. Otherwise a request that does not fit waits for room up to the time its sender
 * allows (0 for asynchronous senders), then fails with {@link SendQueueFullException}.
 *
 * <p>Thread contract: every method may be called from any thread; state is guarded by this object's monitor (a
 * monitor rather than a {@code ReentrantLock} and its condition, which would cost every connection 72 bytes).
 */
final class SendQueue {

    private final long limit;
    // Each is made by its first request and grows on use: an idle connection sends nothing (the two, made up
    // front with the default 16 slots, would cost it 256 bytes). Control holds pings, pongs and the Close.
    private ArrayDeque<SendRequest> control;
    private ArrayDeque<SendRequest> data;
    private long queuedBytes;
    private IOException closed;
    /**
     * How many requests are queued, written under the monitor and read without it by {@link #poll()}, which the
     * connection's loop calls on each of its turns and mostly finds the queue empty: a volatile read, not the monitor.
     */
    private volatile int queued;
    /** Threads waiting on the monitor for room: a release with none skips its {@code notifyAll}. */
    private int waitingForRoom;

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
        synchronized (this) {
            long deadline = 0;
            boolean timed = false; // the clock is read only when there is a wait to time
            long remaining = waitNanos;
            while (closed == null && queuedBytes > 0 && queuedBytes + size > bound) {
                if (remaining <= 0) {
                    throw new SendQueueFullException(queuedBytes, size, bound);
                }
                if (!timed) {
                    deadline = System.nanoTime() + waitNanos;
                    timed = true;
                }
                waitForRoom(remaining);
                remaining = deadline - System.nanoTime();
            }
            if (closed != null) {
                throw new IOException(closed.getMessage(), closed);
            }
            queuedBytes += size;
            if (request.isFlush() || request.type().isData()) {
                if (data == null) {
                    data = new ArrayDeque<>(2);
                }
                data.add(request);
            } else {
                if (control == null) {
                    control = new ArrayDeque<>(2);
                }
                control.add(request);
            }
            queued++;
        }
    }

    /**
     * Waits up to {@code waitNanos} until a data request of {@code size} bytes would be accepted without waiting
     * under {@code bound} (normally the limit), or the queue is closed.
     *
     * @return whether it would be accepted now
     */
    synchronized boolean awaitRoom(long size, long waitNanos, long bound) throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        long remaining = waitNanos;
        while (closed == null && queuedBytes > 0 && queuedBytes + size > bound) {
            if (remaining <= 0) {
                return false;
            }
            waitForRoom(remaining);
            remaining = deadline - System.nanoTime();
        }
        return true;
    }

    /**
     * The next request to hand to the handle, control first; null when none. A request added on another thread while
     * this runs may be missed; its sender then runs the connection's loop, which polls again.
     */
    SendRequest poll() {
        if (queued == 0) {
            return null;
        }
        synchronized (this) {
            SendRequest next = control == null ? null : control.poll();
            if (next == null && data != null) {
                next = data.poll();
            }
            if (next != null) {
                queued--;
            }
            return next;
        }
    }

    /** Whether any request is waiting. */
    synchronized boolean isEmpty() {
        return (control == null || control.isEmpty()) && (data == null || data.isEmpty());
    }

    /** Returns a finished (or failed) request's bytes to the bound. */
    synchronized void release(SendRequest request) {
        queuedBytes -= request.size();
        if (waitingForRoom > 0) {
            notifyAll();
        }
    }

    /** Waits on the monitor, held, for at most {@code nanos}, counted in {@link #waitingForRoom}. */
    private void waitForRoom(long nanos) throws InterruptedException {
        waitingForRoom++;
        try {
            TimeUnit.NANOSECONDS.timedWait(this, nanos);
        } finally {
            waitingForRoom--;
        }
    }

    /** Takes a request out if it has not been polled yet; true when it was still queued. */
    synchronized boolean remove(SendRequest request) {
        boolean removed = control != null && control.remove(request) || data != null && data.remove(request);
        if (removed) {
            queued--;
            queuedBytes -= request.size();
            notifyAll();
        }
        return removed;
    }

    /** Refuses every later {@link #add} with {@code reason}; returns what was queued, for the caller to fail. */
    synchronized List<SendRequest> close(IOException reason) {
        if (closed == null) {
            closed = reason;
        }
        List<SendRequest> drained = List.of(); // most connections end with nothing queued
        if (!isEmpty()) {
            drained = new ArrayList<>();
            if (control != null) {
                drained.addAll(control);
                control.clear();
            }
            if (data != null) {
                drained.addAll(data);
                data.clear();
            }
        }
        queuedBytes = 0;
        queued = 0;
        notifyAll();
        return drained;
    }

    static long toNanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
