package dev.ferry.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} whose clock moves only when a test calls {@link #advance}; due tasks then run on the test's
 * thread, in deadline order.
 *
 * <p>Thread contract: thread safe.
 */
public final class ManualScheduler implements Scheduler {

    private record Task(long due, long seq, Runnable body) { }

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long seq;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(Runnable body, Duration delay) {
        Task task;
        synchronized (this) {
            task = new Task(now + Math.max(0, delay.toNanos()), seq++, body);
            tasks.add(task);
        }
        return () -> {
            synchronized (this) {
                tasks.remove(task);
            }
        };
    }

    /** Moves the clock forward by {@code delta}, running every task that falls due. */
    public void advance(Duration delta) {
        long target;
        synchronized (this) {
            target = now + delta.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.due() <= target)
                        .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::seq)).orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = Math.max(now, next.due());
            }
            next.body().run();
        }
    }

    /** How many tasks are waiting. */
    public synchronized int pending() {
        return tasks.size();
    }
}
