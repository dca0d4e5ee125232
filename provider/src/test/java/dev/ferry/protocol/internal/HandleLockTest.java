package dev.ferry.protocol.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * J9: {@link HandleLock} excludes. Threads increment a plain counter under it, so a lost update would show in
 * the total; one of them holds the lock while descheduled on purpose (parked) so the others go through the
 * spin, yield and park phases. Bounded in count; timeouts are only a safety net.
 */
class HandleLockTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 50_000;

    private final HandleLock lock = new HandleLock();
    private long counter;

    @Test
    void incrementsUnderTheLockAreNeverLost() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            CompletableFuture<?>[] workers = new CompletableFuture<?>[THREADS];
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                workers[t] = CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < ROUNDS; i++) {
                        lock.lock();
                        try {
                            long seen = counter;
                            if (id == 0 && i % 5_000 == 0) {
                                // Hold the lock across a deschedule: waiters must get past spinning and yielding.
                                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                            }
                            counter = seen + 1;
                        } finally {
                            lock.unlock();
                        }
                    }
                }, pool);
            }
            start.countDown();
            CompletableFuture.allOf(workers).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals((long) THREADS * ROUNDS, counter);
    }
}
