package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The per-session callback queue: one task at a time, in order, its queue made by the first task submitted. */
class SerialExecutorTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** The first tasks of a fresh executor come from two threads at once: every task runs, never two together. */
    @RepeatedTest(20)
    void firstTasksFromTwoThreadsAllRunOneAtATime() throws Exception {
        SerialExecutor serial = new SerialExecutor(pool);
        int perThread = 200;
        CountDownLatch done = new CountDownLatch(2 * perThread);
        AtomicBoolean busy = new AtomicBoolean();
        AtomicBoolean overlapped = new AtomicBoolean();
        List<List<Integer>> ranByThread = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        CyclicBarrier together = new CyclicBarrier(2);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            List<Integer> ran = ranByThread.get(t);
            Thread submitter = new Thread(() -> {
                try {
                    together.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < perThread; i++) {
                    int n = i;
                    serial.execute(() -> {
                        if (!busy.compareAndSet(false, true)) {
                            overlapped.set(true);
                        }
                        ran.add(n);
                        busy.set(false);
                        done.countDown();
                    });
                }
            });
            submitter.start();
            submitters.add(submitter);
        }
        for (Thread submitter : submitters) {
            submitter.join(10_000);
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), "every task ran");
        assertFalse(overlapped.get(), "two tasks ran at once");
        for (List<Integer> ran : ranByThread) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                expected.add(i);
            }
            assertEquals(expected, ran, "one thread's tasks ran in the order it submitted them");
        }
    }

    @Test
    void runFirstComesBeforeTasksSubmittedWhileItRuns() throws Exception {
        SerialExecutor serial = new SerialExecutor(pool);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch later = new CountDownLatch(1);
        serial.runFirst(() -> {
            serial.execute(() -> {
                order.add("later");
                later.countDown();
            });
            order.add("first");
        }, false);
        assertTrue(later.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("first", "later"), order);
    }

    @Test
    void runFirstAfterAnotherTaskIsRefused() throws Exception {
        SerialExecutor serial = new SerialExecutor(pool);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        serial.execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        });
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> serial.runFirst(ran::incrementAndGet, false));
        assertTrue(refused.getMessage().contains("runFirst must come before any other task"), refused.getMessage());
        release.countDown();
    }
}
