package dev.ferry.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the daemon threads of one of Ferry's pools, named {@code <prefix><n>}, and keeps them until they have ended,
 * so that whoever stops the pool can wait until its threads are gone, not only idle ({@link #join}). That matters
 * when an application stops: a servlet container that looks for threads the application left running (Tomcat does)
 * counts a thread as alive until its very last instruction, after its pool has already reported termination.
 *
 * <p>Thread contract: thread safe.
 */
public final class DaemonThreads implements ThreadFactory {

    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    /** Threads named {@code prefix} followed by a number counted from 1. */
    public DaemonThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        threads.removeIf(thread -> !thread.isAlive() && thread.getState() != Thread.State.NEW);
        Thread thread = new Thread(task, prefix + count.incrementAndGet());
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    }

    /**
     * Waits until every thread made here has ended, or {@code deadlineNanos} ({@link System#nanoTime()}) has passed.
     * The calling thread is not waited for, should it be one of them.
     *
     * @return whether they have all ended
     */
    public boolean join(long deadlineNanos) throws InterruptedException {
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
