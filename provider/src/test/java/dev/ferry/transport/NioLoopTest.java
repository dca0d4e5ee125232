package dev.ferry.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The selector thread exists only while there is work, and never keeps a JVM alive. */
class NioLoopTest {

    @Test
    void theThreadIsADaemonThatExitsWhenIdleAndComesBack() throws Exception {
        NioLoop loop = new NioLoop("ferry-test-io", Duration.ofMillis(50));
        assertFalse(loop.isRunning(), "no thread before the first task");
        CountDownLatch ran = new CountDownLatch(1);
        boolean[] daemon = new boolean[1];
        loop.execute(() -> {
            daemon[0] = Thread.currentThread().isDaemon();
            ran.countDown();
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertTrue(daemon[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (loop.isRunning()) { // bounded wait for the idle exit
            assertTrue(System.nanoTime() < deadline, "the loop thread did not exit when idle");
            Thread.sleep(5);
        }
        CountDownLatch again = new CountDownLatch(1);
        loop.execute(again::countDown);
        assertTrue(again.await(10, TimeUnit.SECONDS), "a new task starts a new thread");
    }

    @Test
    void aScheduledTaskRunsOnTheLoopUnlessCancelledAndTheLoopExitsAfterwards() throws Exception {
        NioLoop loop = new NioLoop("ferry-test-io", Duration.ofMillis(50));
        CountDownLatch fired = new CountDownLatch(1);
        boolean[] cancelledRan = new boolean[1];
        boolean[] onLoop = new boolean[1];
        loop.execute(() -> {
            Runnable cancel = loop.schedule(Duration.ofMillis(20), () -> cancelledRan[0] = true);
            loop.schedule(Duration.ofMillis(100), () -> {
                onLoop[0] = loop.inLoop();
                fired.countDown();
            });
            cancel.run();
        });
        assertTrue(fired.await(10, TimeUnit.SECONDS), "the deadline task ran");
        assertTrue(onLoop[0], "on the loop thread");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (loop.isRunning()) { // bounded wait for the idle exit
            assertTrue(System.nanoTime() < deadline, "the loop thread did not exit when idle");
            Thread.sleep(5);
        }
        assertFalse(cancelledRan[0], "a cancelled task never runs");
    }
}
