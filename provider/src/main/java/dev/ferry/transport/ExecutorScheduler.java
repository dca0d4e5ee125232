package dev.ferry.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on one daemon timer thread that exits after a few seconds without work, so it
 * never keeps a JVM alive and costs nothing while no connection has a timer armed.
 *
 * <p>Thread contract: all methods may be called from any thread.
 */
public final class ExecutorScheduler implements Scheduler {

    private final DaemonThreads threads;
    private final ScheduledThreadPoolExecutor executor;

    /** A scheduler whose timer thread is named after {@code name}. */
    public ExecutorScheduler(String name) {
        threads = new DaemonThreads(name + "-timer-");
        executor = new ScheduledThreadPoolExecutor(1, threads);
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(5, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** Stops the timer thread; tasks not yet run are dropped. */
    public void shutdown() {
        executor.shutdownNow();
    }

    /** Waits up to {@code timeout} for the timer thread to be gone after {@link #shutdown()}; true when it is. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS) && threads.join(deadline);
    }
}
