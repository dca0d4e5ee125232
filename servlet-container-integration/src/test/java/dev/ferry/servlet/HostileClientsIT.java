package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.JdkClient;
import dev.ferry.servlet.fixture.RawClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketException;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients that misbehave, on every container: every connection gets a clear result, every session that opened
 * gets its {@code onClose}, and nobody blocks anybody else. Loops are bounded in count; waits are bounded by
 * safety timeouts.
 */
class HostileClientsIT {

    private static final long SAFETY_MILLIS = 60_000;
    /** What 2,000 connections may leave on the heap once they are all gone: 4 KB each would already be a leak. */
    private static final long HEAP_GROWTH_LIMIT = 8L << 20;

    @BeforeEach
    void resetCounters() {
        TestEndpoints.Counted.reset();
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void malformedAndOversizedRequestsGetAnHttpError(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Counted.class));
            assertEquals(400, UpgradeIT.status(container, RawClient.upgradeRequest("/counted",
                    "Sec-WebSocket-Key: " + RawClient.KEY, "Sec-WebSocket-Key: " + RawClient.KEY)),
                    "two keys (RFC 6455 §4.2.1 item 5)");
            int post = UpgradeIT.status(container,
                    "POST /counted HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: " + RawClient.KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                            + "Content-Length: 0\r\n\r\n");
            assertTrue(post == 404 || post == 405, "a POST is no upgrade (RFC 6455 §4.1): passed on to the"
                    + " application, which has no servlet there (404, or 405 from a default servlet), got " + post);
            int noConnection = UpgradeIT.status(container, "GET /counted HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Key: " + RawClient.KEY + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n");
            assertTrue(noConnection >= 400 && noConnection < 500, "no 'Connection: Upgrade' (RFC 6455 §4.2.1"
                    + " item 4): passed on, and the container refuses it or has nothing there, got " + noConnection);
            int oversized = UpgradeIT.status(container,
                    RawClient.upgradeRequest("/counted", "X-Padding: " + "x".repeat(64 * 1024)));
            assertTrue(oversized == 431 || oversized == 400 || oversized == 413,
                    "expected the container to refuse a 64 KiB header with 400, 413 or 431, got " + oversized);
            assertEquals(0, TestEndpoints.Counted.OPENED.get(), "no session for any of them");
        }
    }

    /**
     * A peer that breaks the protocol and goes on sending (Autobahn|Testsuite's case 5.9: a continuation with nothing
     * to continue, then a text message and a Close) gets the server's Close 1002 and then the end of the connection,
     * nothing else (RFC 6455 §7.1.7): the bytes that follow the violation are never read as an HTTP request, which
     * Jetty answered with "400 Bad Request" on the same connection when they arrived before it was closed. The
     * trailing bytes are written apart from the violation, so in some rounds they are still unread when the session
     * ends; the rounds are bounded. On Tomcat the session opens on Ferry's executor, so the violation is often found,
     * and the connection closed, off Tomcat's threads ({@link WriteDispatch}).
     */
    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void aFailedConnectionGetsItsCloseAndThenNothing(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Counted.class));
            byte[] hello = "Hello, world!".getBytes(StandardCharsets.UTF_8);
            byte[] normalClosure = {0x03, (byte) 0xe8};
            for (int round = 0; round < 40; round++) {
                try (RawClient client = RawClient.connect(container.port())) {
                    client.write(RawClient.upgradeRequest("/counted"));
                    assertEquals(101, client.readResponse().status());
                    client.write(RawClient.frame(0x0, true, "non-continuation payload".getBytes(StandardCharsets.UTF_8)));
                    try {
                        client.write(RawClient.frame(0x1, true, hello));
                        client.write(RawClient.frame(0x8, true, normalClosure));
                    } catch (SocketException closedAlready) {
                        // the server failed the connection and closed it before these bytes went out
                    }
                    RawClient.Frame close = client.readFrame();
                    assertEquals(0x8, close.opcode(), "round " + round + ": expected the server's Close");
                    assertEquals(1002, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff),
                            "round " + round + ": a continuation with nothing to continue (RFC 6455 §5.4)");
                    ServerEndsConnectionIT.assertEndsWithNothingMore(client, "round " + round);
                }
            }
            awaitEqual(() -> TestEndpoints.Counted.OPENED.get(), () -> TestEndpoints.Counted.CLOSED.get(),
                    "every failed session closed");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void aClientThatNeverReadsBlocksNobodyElse(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Counted.class));
            try (RawClient stuck = RawClient.connect(container.port())) {
                stuck.write(RawClient.upgradeRequest("/counted"));
                assertEquals(101, stuck.readResponse().status());
                byte[] megabyte = new byte[1024 * 1024];
                // 32 MiB of echoes for a client that reads none of them: far beyond what the socket buffers and
                // the session's bounded send queue hold. Its writes stop being taken, and that is all.
                Thread flooder = new Thread(() -> {
                    try {
                        for (int i = 0; i < 32; i++) {
                            stuck.write(RawClient.frame(0x2, true, megabyte));
                        }
                    } catch (IOException expected) {
                        // the server gave up on this client
                    }
                }, "flooder");
                flooder.setDaemon(true);
                flooder.start();
                for (int round = 0; round < 5; round++) {
                    try (JdkClient other = JdkClient.connect(container.uri("ws", "/counted"))) {
                        other.sendText("round " + round, true);
                        assertEquals("round " + round, other.next());
                        assertEquals(1000, other.close(1000, "done"));
                    }
                }
                stuck.drop(true);
                flooder.join(SAFETY_MILLIS);
            }
            awaitEqual(() -> TestEndpoints.Counted.OPENED.get(), () -> TestEndpoints.Counted.CLOSED.get(),
                    "every session that opened also closed");
            assertEquals(6, TestEndpoints.Counted.OPENED.get());
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void clientsVanishingMidMessageEndTheirSessions(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Counted.class));
            byte[] payload = "a message that never ends".repeat(100).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20; i++) {
                try (RawClient client = RawClient.connect(container.port())) {
                    client.write(RawClient.upgradeRequest("/counted"));
                    assertEquals(101, client.readResponse().status());
                    switch (i % 4) {
                        case 0 -> client.write(RawClient.frameHead(0x1, true, payload.length, payload, 10));
                        case 1 -> client.write(RawClient.frameHead(0x2, false, 70_000, new byte[70_000], 65_000));
                        case 2 -> client.write(RawClient.frame(0x1, false, payload));
                        default -> client.write(new byte[] {(byte) 0x81}); // half a frame header
                    }
                    client.drop(i % 2 == 0);
                }
            }
            awaitEqual(() -> 20, () -> TestEndpoints.Counted.CLOSED.get(), "every vanished client's session closed");
            assertEquals(20, TestEndpoints.Counted.OPENED.get());
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void twoThousandConnectionsOpenedAndDroppedLeaveNoSession(ServletContainerFixture.Kind kind) throws Exception {
        int connections = 2_000;
        AtomicInteger upgraded = new AtomicInteger();
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Counted.class));
            echoOnce(container, "warm-up"); // classes loaded, pools and caches made, before the baseline
            awaitEqual(() -> 1, () -> TestEndpoints.Counted.CLOSED.get(), "the warm-up session closed");
            TestEndpoints.Counted.reset();
            long baseline = usedHeapAfterGc();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    int n = i;
                    done.add(clients.submit(() -> {
                        try (RawClient client = RawClient.connect(container.port())) {
                            client.write(RawClient.upgradeRequest("/counted"));
                            if (client.readResponse().status() == 101) {
                                upgraded.incrementAndGet();
                            }
                            if (n % 3 == 0) {
                                client.write(RawClient.frame(0x8, true, new byte[] {0x03, (byte) 0xe8}));
                            }
                            client.drop(n % 3 == 1);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(SAFETY_MILLIS, TimeUnit.MILLISECONDS);
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(connections, upgraded.get(), "every handshake answered 101");
            awaitEqual(() -> connections, () -> TestEndpoints.Counted.OPENED.get(), "every session opened");
            awaitEqual(() -> connections, () -> TestEndpoints.Counted.CLOSED.get(),
                    "every dropped connection's session closed");
            try (JdkClient after = JdkClient.connect(container.uri("ws", "/counted"))) {
                after.sendText("still here", true);
                assertEquals("still here", after.next());
                after.sendText("open?", true);
                assertEquals("open=1", after.next(), "the container holds no session of the dropped connections");
                assertEquals(1000, after.close(1000, "done"));
            }
            awaitEqual(() -> connections + 1, () -> TestEndpoints.Counted.CLOSED.get(), "the last session closed");
            long grown = usedHeapAfterGc() - baseline;
            assertTrue(grown < HEAP_GROWTH_LIMIT, "expected the heap after GC back near its baseline once every"
                    + " connection is gone (less than " + HEAP_GROWTH_LIMIT + " bytes more, "
                    + HEAP_GROWTH_LIMIT / connections + " per connection), got " + grown + " more on " + kind);
        }
    }

    private static void echoOnce(ServletContainerFixture container, String text) throws Exception {
        try (JdkClient client = JdkClient.connect(container.uri("ws", "/counted"))) {
            client.sendText(text, true);
            assertEquals(text, client.next());
            assertEquals(1000, client.close(1000, "done"));
        }
    }

    /** The heap in use after full collections (the least of three, so a collection's own noise does not count). */
    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Waits (bounded) until both suppliers agree; fails naming {@code what} if they never do. */
    private static void awaitEqual(IntSupplier expected, IntSupplier actual, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SAFETY_MILLIS);
        while (expected.getAsInt() != actual.getAsInt() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected.getAsInt(), actual.getAsInt(), what);
    }
}
