package dev.ferry.jakarta;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order: how a session keeps its endpoint callbacks from overlapping
 * without parking a thread per session.
 *
 * <h2>Theory of operation</h2>
 * The queue is either idle or owned by exactly one drainer, which runs tasks until the queue is empty. A task
 * submitted while a drainer is at work just joins the queue. An idle queue is started in one of three ways:
 * <ul>
 *   <li>{@link #execute}: on the underlying executor (a hand-off to another thread);</li>
 *   <li>{@link #claim}: by the calling thread, later: the caller promises to call {@link #runClaimed()} once it
 *       is free to run application code (a connection's I/O thread, after it left the connection's loop), and
 *       then drains on its own thread, with no hand-off;</li>
 *   <li>{@link #runFirst}: by the calling thread, at once, before anything else (for {@code onOpen}); inline when
 *       that thread is the connection's I/O thread.</li>
 * </ul>
 * A thread draining a claimed queue ("inline") hands the rest of the queue to the executor when it reaches a task
 * submitted with {@link #executeElsewhere}: one that waits for input only the connection's loop can provide, and
 * so must never run on the thread that provides it, and for good once {@link #refuseInline()} was called.
 *
 * <p>Thread contract: every method may be called from any thread; {@link #runClaimed()} only does something on
 * the thread that made the claim.
 */
final class SerialExecutor implements Executor {

    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());
    /**
     * How deep the current thread is in running session callbacks, of any session: nonzero while it drains a queue
     * or runs a first task. A thread doing so must not wait for another session's callbacks (they may need it, or
     * its pool's threads).
     */
    private static final ThreadLocal<int[]> RUNNING = ThreadLocal.withInitial(() -> new int[1]);

    /** A task that must not run on a thread draining inline ({@link #executeElsewhere}); the others are queued bare. */
    private record Elsewhere(Runnable body) implements Runnable {
        @Override
        public void run() {
            body.run();
        }
    }

    private final Executor underlying;
    // Guarded by this object's monitor: the queue, made by the first task submitted (onOpen, run by runFirst, is not
    // queued, so an idle session has none), whether a drainer owns the queue (or has claimed it), and the thread that
    // claimed the idle queue and has not started draining.
    private ArrayDeque<Runnable> tasks;
    private boolean running;
    private Thread claimant;
    private volatile Thread inlineThread; // the thread draining a claimed queue, while it does
    private volatile boolean inlineRefused; // set by refuseInline(): every task from then on runs on the executor

    SerialExecutor(Executor underlying) {
        this.underlying = underlying;
    }

    /** Queues {@code task}; an idle queue starts draining on the underlying executor. */
    @Override
    public void execute(Runnable task) {
        submit(task, false);
    }

    /** As {@link #execute}, for a task that must not run on a thread draining inline (see the class comment). */
    void executeElsewhere(Runnable task) {
        submit(new Elsewhere(task), false);
    }

    /**
     * Queues {@code task}; when the queue was idle, the calling thread claims it and must call
     * {@link #runClaimed()} when it is free to run application code. Until then queued tasks wait.
     */
    void claim(Runnable task) {
        submit(task, !inlineRefused);
    }

    private void submit(Runnable task, boolean claim) {
        synchronized (this) {
            if (tasks == null) {
                tasks = new ArrayDeque<>(2);
            }
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
            if (claim) {
                claimant = Thread.currentThread();
                return;
            }
        }
        start();
    }

    /** Drains the queue on the calling thread if this thread claimed it ({@link #claim}); otherwise does nothing. */
    void runClaimed() {
        synchronized (this) {
            if (claimant != Thread.currentThread()) {
                return;
            }
            claimant = null;
        }
        inlineThread = Thread.currentThread();
        try {
            drain(true);
        } finally {
            inlineThread = null;
        }
    }

    /**
     * From now on every task runs on the underlying executor: a thread draining inline hands the rest of the
     * queue over after its current task, and {@link #claim} behaves as {@link #execute}.
     */
    void refuseInline() {
        inlineRefused = true;
    }

    /** Whether the calling thread is running a session callback, of this queue or any other, now. */
    static boolean isCallbackThread() {
        return RUNNING.get()[0] > 0;
    }

    /** Whether the calling thread is running a task inline, on a thread that {@link #claim}ed the queue. */
    boolean isInlineThread() {
        return inlineThread == Thread.currentThread();
    }

    /** Drains on the underlying executor; when it refuses (it is shutting down), on the calling thread. */
    private void start() {
        try {
            underlying.execute(() -> drain(false));
        } catch (RejectedExecutionException refused) {
            LOG.log(System.Logger.Level.DEBUG, "executor refused session callbacks; running them inline", refused);
            drain(false);
        }
    }

    /**
     * Runs {@code task} on the calling thread, as the first task of the queue: tasks submitted meanwhile wait
     * for it. Used for {@code onOpen}, which runs on the thread that opens the session.
     *
     * @param inline whether the calling thread is the connection's I/O thread, so that {@code task} runs as a task
     *               drained inline does ({@link #isInlineThread()} is true during it)
     * @throws IllegalStateException when any task was submitted before
     */
    void runFirst(Runnable task, boolean inline) {
        synchronized (this) {
            int queued = tasks == null ? 0 : tasks.size();
            if (running || queued > 0) {
                throw new IllegalStateException("runFirst must come before any other task, but " + queued
                        + " task(s) were submitted first");
            }
            running = true;
        }
        if (inline) {
            inlineThread = Thread.currentThread();
        }
        int[] depth = RUNNING.get();
        depth[0]++;
        try {
            task.run();
        } finally {
            depth[0]--;
            if (inline) {
                inlineThread = null;
            }
            boolean more;
            synchronized (this) {
                more = tasks != null && !tasks.isEmpty();
                running = more;
            }
            if (more) {
                start();
            }
        }
    }

    private void drain(boolean inline) {
        int[] depth = RUNNING.get();
        depth[0]++;
        try {
            drainTasks(inline);
        } finally {
            depth[0]--;
        }
    }

    private void drainTasks(boolean inline) {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = tasks.peek(); // not null: drained only once a task was submitted
                if (task == null) {
                    running = false;
                    return;
                }
                if (inline && (task instanceof Elsewhere || inlineRefused)) {
                    break; // still running: the executor takes over the rest
                }
                tasks.poll();
            }
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "a session callback task failed", t);
            }
        }
        start();
    }
}
