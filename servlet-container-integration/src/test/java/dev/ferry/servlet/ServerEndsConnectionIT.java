package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.jakarta.server.JakartaServerContainer;
import dev.ferry.servlet.fixture.RawClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whichever thread ends a session (a timer, the application), the server closes the TCP connection itself once the
 * close handshake is over or given up (RFC 6455 §7.1.1), on every container: the raw client reads the end of the
 * stream well within a safety bound instead of waiting for its own timeout. Tomcat closes an upgraded connection
 * only in a dispatch of its own, which a close made on another thread has to ask for ({@link WriteDispatch}). A
 * peer that never reads does not keep the connection either: a write still pending at the close gets the close
 * timeout, no more.
 */
class ServerEndsConnectionIT {

    /** The safety bound on every read of the raw client; the timers below are far shorter. */
    private static final int SAFETY_MILLIS = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(300);
    private static final long IDLE_MILLIS = 300;
    private static final byte[] NORMAL_CLOSURE = {0x03, (byte) 0xe8};

    @BeforeEach
    void reset() {
        Ending.CLOSES.set(0);
    }

    @AfterAll
    static void stopTheApplicationThread() {
        Ending.APPLICATION.shutdownNow();
    }

    /** Closes the session as the client's text says, and counts its {@code onClose} calls. */
    @ServerEndpoint("/ending")
    public static final class Ending {
        static final AtomicInteger CLOSES = new AtomicInteger();
        static final ExecutorService APPLICATION = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "application");
            thread.setDaemon(true);
            return thread;
        });

        @OnMessage
        public void command(Session session, String command) throws IOException {
            switch (command) {
                case "close now" -> session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "now"));
                case "close from the application" -> APPLICATION.execute(() -> {
                    try {
                        session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "application"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                case "flood, then close from the application" -> APPLICATION.execute(() -> {
                    for (int i = 0; i < 8; i++) {
                        session.getAsyncRemote().sendBinary(ByteBuffer.allocate(1 << 20)); // more than TCP holds
                    }
                    try {
                        session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "flooded"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                case "idle" -> {
                    session.setMaxIdleTimeout(IDLE_MILLIS);
                    session.getBasicRemote().sendText("idle from now");
                }
                default -> throw new IllegalArgumentException("expected a known command, got " + command);
            }
        }

        @OnClose
        public void closed(CloseReason reason) {
            CLOSES.incrementAndGet();
        }
    }

    /** Ferry's server container for the sessions of this class: a short close timeout. */
    private static WebApplication application() {
        return WebApplication.of(Ending.class).with((classes, context) -> ((JakartaServerContainer) context
                .getAttribute(ServerContainer.class.getName())).setDefaultCloseTimeout(CLOSE_TIMEOUT));
    }

    /**
     * (a) The close timer: the server's Close is never answered, so its close timer (on a timer thread) gives up
     * and ends the connection.
     */
    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void theCloseTimerEndsTheConnectionOfAPeerThatNeverAnswers(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(application());
            try (RawClient client = open(container)) {
                client.write(RawClient.frame(0x1, true, "close now".getBytes(StandardCharsets.UTF_8)));
                assertCloseFrame(client.readFrame(), 1000);
                assertEndsWithNothingMore(client, "a Close never answered");
            }
            awaitCloses(1);
        }
    }

    /**
     * (b) The idle timeout: the idle timer (on a timer thread) sends the server's Close (1001), and the server ends
     * the connection once the client answers it, or once the close timer gives up on a client that stays silent.
     */
    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void theIdleTimeoutEndsTheConnection(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(application());
            int sessions = 0;
            for (boolean answers : new boolean[] {true, false}) {
                try (RawClient client = open(container)) {
                    client.write(RawClient.frame(0x1, true, "idle".getBytes(StandardCharsets.UTF_8)));
                    assertEquals("idle from now", client.readFrame().text());
                    assertCloseFrame(client.readFrame(), 1001);
                    if (answers) {
                        client.write(RawClient.frame(0x8, true, NORMAL_CLOSURE));
                    }
                    assertEndsWithNothingMore(client, "an idle session whose Close was "
                            + (answers ? "answered" : "never answered"));
                }
                awaitCloses(++sessions);
            }
        }
    }

    /**
     * (c) {@code Session.close()} on an application thread: the client answers the Close, the server ends the
     * connection, and {@code onClose} runs once.
     */
    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void aCloseFromAnApplicationThreadEndsTheConnection(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(application());
            for (int round = 0; round < 5; round++) {
                try (RawClient client = open(container)) {
                    client.write(RawClient.frame(0x1, true,
                            "close from the application".getBytes(StandardCharsets.UTF_8)));
                    assertCloseFrame(client.readFrame(), 1000);
                    client.write(RawClient.frame(0x8, true, NORMAL_CLOSURE));
                    assertEndsWithNothingMore(client, "round " + round + ": a Close from the application, answered");
                }
                awaitCloses(round + 1);
            }
        }
    }

    /**
     * (d) A peer that never reads: the server's writes stay pending, its Close cannot go out, and the close timer
     * ends the session; the pending write then gets the close grace and the connection is closed anyway, instead of
     * being held for as long as the peer stays silent. The client sees it as a reset of its own writes.
     */
    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void aPeerThatNeverReadsDoesNotKeepTheConnectionOnceItsSessionEnded(ServletContainerFixture.Kind kind)
            throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(application());
            try (RawClient client = open(container)) {
                client.write(RawClient.frame(0x1, true,
                        "flood, then close from the application".getBytes(StandardCharsets.UTF_8)));
                awaitCloses(1);
                // Written, never read: once the server has closed its socket with them unread, it resets the
                // connection, and a write fails. While it holds the connection, writes are taken until the buffers
                // are full and then block; the safety bound ends that.
                byte[] frame = RawClient.frame(0x2, true, new byte[16 * 1024]);
                ExecutorService writer = Executors.newSingleThreadExecutor();
                Future<Integer> writes = writer.submit(() -> {
                    for (int i = 0; i < 4096; i++) {
                        try {
                            client.write(frame);
                        } catch (IOException reset) {
                            return i;
                        }
                    }
                    return -1;
                });
                try {
                    int written = writes.get(SAFETY_MILLIS, TimeUnit.MILLISECONDS);
                    assertTrue(written >= 0, "expected a write to fail once the server closed, all 64 MiB went");
                } catch (TimeoutException e) {
                    throw new AssertionError("the server kept the connection of a peer that never reads", e);
                } finally {
                    writer.shutdownNow();
                }
            }
        }
    }

    private static RawClient open(ServletContainerFixture container) throws IOException {
        RawClient client = RawClient.connect(container.port());
        client.setReadTimeout(SAFETY_MILLIS);
        client.write(RawClient.upgradeRequest("/ending"));
        assertEquals(101, client.readResponse().status());
        return client;
    }

    private static void assertCloseFrame(RawClient.Frame frame, int code) {
        assertEquals(0x8, frame.opcode(), "expected the server's Close");
        assertEquals(code, ((frame.payload()[0] & 0xff) << 8) | (frame.payload()[1] & 0xff), "its status code");
    }

    /**
     * Reads until the server ends the connection, within the client's read timeout, and asserts that nothing came
     * before the end: the server's Close is the last thing on the wire (RFC 6455 §5.5.1).
     */
    static void assertEndsWithNothingMore(RawClient client, String what) throws IOException {
        byte[] after;
        try {
            after = client.readToEnd();
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": the server did not end the connection", e);
        }
        assertEquals("", new String(after, StandardCharsets.ISO_8859_1),
                what + ": nothing may follow the Close but the end of the connection");
    }

    private static void awaitCloses(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SAFETY_MILLIS);
        while (Ending.CLOSES.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, Ending.CLOSES.get(), "onClose ran once per session");
    }
}
