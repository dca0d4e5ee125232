package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.internal.ReceiveMemoryPool;
import dev.ferry.servlet.fixture.RawClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Idle connections hold no receive buffer (issue 4 item 8, memory per idle connection): a session waiting for its
 * peer has handed its read back to the handle, which gave its receive memory back to the pool; the connections still
 * work when their peers speak again. Counted through {@link ReceiveMemoryPool#lentBuffers()}, not timing. Bounded
 * in count; waits are bounded by safety timeouts.
 */
class IdleConnectionsIT {

    private static final long SAFETY_MILLIS = 60_000;
    private static final int CONNECTIONS = 2_000;

    @BeforeEach
    void resetCounters() {
        TestEndpoints.Counted.reset();
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void twoThousandIdleConnectionsHoldNoReceiveBuffer(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Counted.class));
            long baseline = ReceiveMemoryPool.lentBuffers();
            List<RawClient> clients = new ArrayList<>(CONNECTIONS);
            try {
                open(container, clients);
                awaitAtMost(() -> TestEndpoints.Counted.OPENED.get() == CONNECTIONS ? 0 : 1, 0,
                        "every session opened");
                long held = awaitAtMost(() -> ReceiveMemoryPool.lentBuffers() - baseline, 0,
                        "idle sessions hold no receive buffer");
                assertEquals(0, held, "receive buffers held by " + CONNECTIONS + " idle connections on " + kind);

                for (int i = 0; i < CONNECTIONS; i += CONNECTIONS / 10) {
                    RawClient client = clients.get(i);
                    client.write(RawClient.frame(0x1, true, ("wake " + i).getBytes(StandardCharsets.UTF_8)));
                    assertEquals("wake " + i, client.readFrame().text(), "an idle connection still answers");
                }
                assertEquals(0, awaitAtMost(() -> ReceiveMemoryPool.lentBuffers() - baseline, 0,
                        "idle again after the wake-ups"), "receive buffers held after the wake-ups on " + kind);
            } finally {
                for (RawClient client : clients) {
                    client.drop(false);
                }
            }
            awaitAtMost(() -> CONNECTIONS - TestEndpoints.Counted.CLOSED.get(), 0, "every session closed");
        }
    }

    private static void open(ServletContainerFixture container, List<RawClient> clients) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<RawClient>> opened = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                opened.add(threads.submit(() -> {
                    RawClient client = RawClient.connect(container.port());
                    client.write(RawClient.upgradeRequest("/counted"));
                    assertEquals(101, client.readResponse().status());
                    return client;
                }));
            }
            for (Future<RawClient> f : opened) {
                clients.add(f.get(SAFETY_MILLIS, TimeUnit.MILLISECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Waits (bounded) until {@code value} is at most {@code limit}; returns its last value. */
    private static long awaitAtMost(LongSupplier value, long limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SAFETY_MILLIS);
        long last = value.getAsLong();
        while (last > limit && System.nanoTime() < deadline) {
            Thread.sleep(20);
            last = value.getAsLong();
        }
        assertTrue(last <= limit, what + ": expected at most " + limit + ", got " + last);
        return last;
    }
}
