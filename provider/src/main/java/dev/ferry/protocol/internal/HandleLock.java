package dev.ferry.protocol.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The handle's lock (spec J9): one owner word. Taking a free lock is one compare-and-set; releasing it is one
 * ordered store, with no fence and no wake-up, because nobody sleeps on it in a way that needs waking. A
 * {@code ReentrantLock} or a monitor costs two atomic instructions per call instead (a compare-and-set to take,
 * a fenced store or a second compare-and-set to release), and a handle takes its lock in every call, five per
 * small message each way with the calls of spec §8.1: measured per 64-byte message, this lock adds 14 to 19 ns
 * where a {@code ReentrantLock} adds 40 to 43 ns (on the 2-core machine of the issue 2 benchmarks). The handle's
 * fused calls ({@code completeAndGetAction}, {@code completeAndReceive}) bring a small message down to two locked
 * calls to receive and four to send.
 *
 * <p>Waiting. A handle method holds the lock for well under a microsecond and at most a connection's few
 * driver threads compete for it, so a thread that finds it taken spins, then yields, then parks for growing
 * intervals of at most {@value #MAX_PARK_NANOS} ns (only when the holder was descheduled) and tries again. The
 * lock is not fair and not reentrant: the engine never calls back into its handle.
 *
 * <p>Memory effects are those of a lock: everything a thread did before {@link #unlock()} is visible to the
 * next thread that returns from {@link #lock()} (the release store pairs with the acquiring compare-and-set).
 *
 * <p>Thread contract: every method may be called from any thread; {@link #unlock()} only by the holder.
 */
public final class HandleLock {

    private static final VarHandle HELD;
    private static final int SPINS = 64;
    private static final int YIELDS = 16;
    private static final long MIN_PARK_NANOS = 1_000;
    private static final long MAX_PARK_NANOS = 1_000_000;

    static {
        try {
            HELD = MethodHandles.lookup().findVarHandle(HandleLock.class, "held", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through HELD
    private volatile boolean held;

    /** Takes the lock, waiting as long as it takes. */
    public void lock() {
        if (!HELD.compareAndSet(this, false, true)) {
            lockContended();
        }
    }

    /** Releases the lock; only the thread that took it may call this. */
    public void unlock() {
        HELD.setRelease(this, false);
    }

    private void lockContended() {
        int attempt = 0;
        long park = MIN_PARK_NANOS;
        while (true) {
            if (!(boolean) HELD.getOpaque(this) && HELD.compareAndSet(this, false, true)) {
                return;
            }
            attempt++;
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else if (attempt < SPINS + YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(this, park);
                park = Math.min(MAX_PARK_NANOS, park * 2);
            }
        }
    }
}
