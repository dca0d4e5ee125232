package dev.ferry.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One selector thread serving many connections: the NIO client's event loop. The thread is a daemon, starts with
 * the first task and exits after {@value #IDLE_SECONDS} seconds with no channel registered and no deadline
 * pending, so an idle client costs no thread and never keeps a JVM alive. Deadlines ({@link #schedule}) are kept in a
 * queue the select loop checks; the select timeout is bounded by the next one.
 *
 * <p>Thread contract: {@link #execute} and {@link #register} may be called from any thread; everything else runs
 * on the loop thread. Work run on the loop must not block.
 */
public final class NioLoop {

    private static final System.Logger LOG = System.getLogger(NioLoop.class.getName());
    static final int IDLE_SECONDS = 5;

    /** What a registered channel's owner is told. */
    interface Handler {
        /** The channel is ready for the operations in {@code readyOps}; runs on the loop thread. */
        void onSelected(int readyOps);

        /** The loop could not serve the channel. */
        void onLoopFailure(Throwable cause);
    }

    private final String name;
    private final long idleNanos;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>(); // loop thread only
    private final Object lifecycle = new Object();
    private Selector selector;
    private Thread thread;

    public NioLoop(String name) {
        this(name, java.time.Duration.ofSeconds(IDLE_SECONDS));
    }

    /** A loop whose thread exits after {@code idle} with no channel registered. */
    NioLoop(String name, java.time.Duration idle) {
        this.name = name;
        this.idleNanos = idle.toNanos();
    }

    /** Whether the loop's thread is running. */
    boolean isRunning() {
        synchronized (lifecycle) {
            return thread != null;
        }
    }

    /** Runs {@code task} on the loop thread, starting the thread if needed. */
    public void execute(Runnable task) {
        tasks.add(task);
        synchronized (lifecycle) {
            if (thread == null) {
                try {
                    selector = Selector.open();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open a selector", e);
                }
                Selector owned = selector;
                thread = new Thread(() -> run(owned), name);
                thread.setDaemon(true);
                thread.start();
            } else {
                selector.wakeup();
            }
        }
    }

    /** Whether the caller is the loop thread. */
    boolean inLoop() {
        synchronized (lifecycle) {
            return Thread.currentThread() == thread;
        }
    }

    /** Registers {@code channel} (non-blocking) with no interest yet; {@code whenRegistered} gets its key. */
    void register(SocketChannel channel, Handler handler, java.util.function.Consumer<SelectionKey> whenRegistered) {
        execute(() -> {
            try {
                whenRegistered.accept(channel.register(currentSelector(), 0, handler));
            } catch (ClosedChannelException e) {
                handler.onLoopFailure(e);
            }
        });
    }

    /** A task due at {@code at} ({@link System#nanoTime()}); ordered by due time. */
    private record Deadline(long at, Runnable task) implements Comparable<Deadline> {
        @Override
        public int compareTo(Deadline other) {
            return Long.compare(at - other.at, 0); // nanoTime values compare by difference
        }
    }

    /**
     * Runs {@code task} on the loop thread after {@code delay} unless cancelled first. Loop thread only.
     *
     * @return an action that cancels the task (loop thread only; harmless once the task ran)
     */
    Runnable schedule(java.time.Duration delay, Runnable task) {
        Deadline deadline = new Deadline(System.nanoTime() + delay.toNanos(), task);
        deadlines.add(deadline);
        return () -> deadlines.removeIf(pending -> pending == deadline);
    }

    private Selector currentSelector() {
        synchronized (lifecycle) {
            return selector;
        }
    }

    private void run(Selector owned) {
        long idleSince = System.nanoTime();
        try {
            while (true) {
                runTasks();
                long timeout = Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(idleNanos)));
                Deadline next = deadlines.peek();
                if (next != null) {
                    timeout = Math.min(timeout, TimeUnit.NANOSECONDS.toMillis(next.at - System.nanoTime()));
                }
                if (timeout > 0) {
                    owned.select(timeout);
                } else {
                    owned.selectNow();
                }
                runTasks();
                runDueDeadlines();
                for (var iterator = owned.selectedKeys().iterator(); iterator.hasNext(); ) {
                    SelectionKey key = iterator.next();
                    iterator.remove();
                    Handler handler = (Handler) key.attachment();
                    try {
                        handler.onSelected(key.isValid() ? key.readyOps() : 0);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "a connection failed on the I/O loop", e);
                        handler.onLoopFailure(e);
                    }
                }
                if (!owned.keys().isEmpty() || !deadlines.isEmpty()) {
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > idleNanos) {
                    synchronized (lifecycle) {
                        if (tasks.isEmpty() && owned.keys().isEmpty()) {
                            thread = null;
                            selector = null;
                            owned.close();
                            return;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the I/O loop " + name + " failed", e);
            synchronized (lifecycle) {
                thread = null;
                selector = null;
            }
            deadlines.clear();
            for (SelectionKey key : owned.keys()) {
                ((Handler) key.attachment()).onLoopFailure(e);
            }
        }
    }

    private void runDueDeadlines() {
        long now = System.nanoTime();
        Deadline next;
        while ((next = deadlines.peek()) != null && next.at - now <= 0) {
            deadlines.poll();
            try {
                next.task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "a deadline task on the I/O loop failed", e);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "a task on the I/O loop failed", e);
            }
        }
    }
}
