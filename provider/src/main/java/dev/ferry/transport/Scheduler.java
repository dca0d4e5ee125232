package dev.ferry.transport;

import java.time.Duration;

/**
 * Timers for connection drivers: idle timeouts, close timeouts and keepalive pings. Injected so that tests
 * drive time by hand; production uses {@link ExecutorScheduler}.
 *
 * <p>Thread contract: every method may be called from any thread. Tasks run on the scheduler's own
 * threads (or, in tests, on the thread that advances time) and must not block.
 */
public interface Scheduler {

    /** The scheduler's clock in nanoseconds, only meaningful as a difference between two readings. */
    long nanoTime();

    /**
     * Runs {@code task} once after {@code delay}.
     *
     * @return a handle that cancels the task if it has not started yet
     */
    Cancellable schedule(Runnable task, Duration delay);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run; idempotent. */
        void cancel();
    }
}
