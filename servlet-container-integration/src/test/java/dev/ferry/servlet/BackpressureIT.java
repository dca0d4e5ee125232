package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.RawClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An application slower than its peer, on every container: the peer sends far more than the server would ever hold
 * for it while the endpoint is stuck on its first message. The server stops reading (the servlet transport pauses at
 * 64 KiB unread and the session reads no further than the message the endpoint has not taken), so TCP pushes back
 * and the peer's writes stop being taken long before it has sent everything; then the endpoint goes on, and every
 * message arrives, in order and intact, on a connection that never failed. Bounded: 2,048 messages of 32 KiB, a
 * 60 s safety limit on every wait.
 */
class BackpressureIT {

    private static final int MESSAGES = 2_048;
    private static final int SIZE = 32 * 1024;
    private static final long TOTAL = (long) MESSAGES * SIZE; // 64 MiB
    private static final long SAFETY_MILLIS = 60_000;

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void aSlowEndpointPushesBackOnThePeerAndStillGetsEveryMessage(ServletContainerFixture.Kind kind) throws Exception {
        TestEndpoints.Slow.reset();
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Slow.class));
            try (RawClient client = RawClient.connect(container.port())) {
                client.write(RawClient.upgradeRequest("/slow"));
                assertEquals(101, client.readResponse().status());
                CRC32 expected = new CRC32();
                byte[] payload = new byte[SIZE];
                for (int i = 0; i < SIZE; i++) {
                    payload[i] = (byte) (i * 7 + i / 256);
                }
                AtomicLong sent = new AtomicLong();
                AtomicReference<Throwable> senderFailure = new AtomicReference<>();
                Thread sender = new Thread(() -> {
                    try {
                        for (int i = 0; i < MESSAGES; i++) {
                            payload[0] = (byte) i;
                            payload[1] = (byte) (i >> 8);
                            expected.update(payload);
                            client.write(RawClient.frame(0x2, true, payload));
                            sent.addAndGet(SIZE);
                        }
                    } catch (IOException | RuntimeException e) {
                        senderFailure.set(e);
                    }
                }, "sender");
                sender.setDaemon(true);
                sender.start();
                assertTrue(TestEndpoints.Slow.awaitFirstMessage(), "the endpoint got its first message");

                long stalledAt = awaitStall(sent);
                assertTrue(stalledAt < TOTAL / 2, "expected the server to stop reading and TCP to push back, but"
                        + " the peer's writes were taken up to " + stalledAt + " of " + TOTAL + " bytes on " + kind);

                TestEndpoints.Slow.open();
                sender.join(SAFETY_MILLIS);
                assertFalse(sender.isAlive(), "the peer sent everything once the endpoint went on");
                assertNull(senderFailure.get(), "the connection never failed");
                client.write(RawClient.frame(0x1, true, "report?".getBytes(StandardCharsets.UTF_8)));
                assertEquals("count=" + MESSAGES + " crc=" + expected.getValue(), client.readFrame().text(),
                        "every message arrived, in order and intact, on " + kind);
                assertNull(TestEndpoints.Slow.FAILURE.get(), "no error reached the endpoint");
            }
        }
    }

    /**
     * Waits until the peer's progress stops: unchanged for 2 s in a row (a safety limit of 60 s overall).
     *
     * @return the bytes taken from the peer by then
     */
    private static long awaitStall(AtomicLong sent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SAFETY_MILLIS);
        long last = -1;
        int unchanged = 0;
        while (unchanged < 20 && sent.get() < TOTAL && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = sent.get();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }
        return sent.get();
    }
}
