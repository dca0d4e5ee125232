package dev.ferry.jakarta;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on an underlying executor: how a session keeps its endpoint
 * callbacks from overlapping without parking a thread per session.
 *
 * <p>Thread contract: {@link #execute} may be called from any thread.
 */
final class SerialExecutor implements Executor {

    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

    private final Executor underlying;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor underlying) {
        this.underlying = underlying;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        start();
    }

    /** Drains on the underlying executor; when it refuses (it is shutting down), on the calling thread. */
    private void start() {
        try {
            underlying.execute(this::drain);
        } catch (RejectedExecutionException refused) {
            LOG.log(System.Logger.Level.DEBUG, "executor refused session callbacks; running them inline", refused);
            drain();
        }
    }

    /**
     * Runs {@code task} on the calling thread, as the first task of the queue: tasks submitted meanwhile wait
     * for it. Used for {@code onOpen}, which runs on the thread that opens the session.
     */
    void runFirst(Runnable task) {
        synchronized (tasks) {
            if (running) {
                throw new IllegalStateException("runFirst must come before any other task");
            }
            running = true;
        }
        try {
            task.run();
        } finally {
            boolean more;
            synchronized (tasks) {
                more = !tasks.isEmpty();
                running = more;
            }
            if (more) {
                start();
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "a session callback task failed", t);
            }
        }
    }
}
