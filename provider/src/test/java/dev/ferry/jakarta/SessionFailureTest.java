package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.jakarta.server.JakartaServerContainer;
import dev.ferry.protocol.WebSocketProtocolException;
import dev.ferry.transport.ConnectionDriver;
import dev.ferry.transport.SendQueueFullException;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** How sessions end badly: violations, silence, slow peers, oversized messages, timers. */
class SessionFailureTest {

    @AutoClose
    private SessionPair pair;

    /** A pair whose client is a session and whose server is played by the test. */
    private RawPeer rawServer(RecordingEndpoint client, int capacity) {
        pair = SessionPair.create(capacity);
        pair.openClient(client, SessionPair.config());
        return new RawPeer(pair.wires.server());
    }

    @Test
    void aProtocolViolationSendsCloseThenOnErrorThenOneOnClose() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RawPeer server = rawServer(client, 1 << 16);
        server.write(0x83, 0x00); // FIN, reserved opcode 3 (RFC 6455 §5.2)
        RawPeer.Frame close = server.readFrame();
        assertEquals(0x8, close.opcode());
        assertEquals(1002, close.closeCode());
        // The driver closes its transport after its Close; when TCP ends is the transport's rule (this memory transport
        // ends at once; NioTransport leaves the close to the server, RFC 6455 §5.5.1, see ClientLeavesTcpCloseToServerIT).
        assertTrue(server.atEndOfStream(), "the driver closes its transport after its Close");
        assertInstanceOf(WebSocketProtocolException.class, client.awaitError());
        assertEquals(1002, client.awaitClose().getCloseCode().getCode());
        JakartaSessionTest.awaitSessionClosed(pair.clientHost, pair.client);
        List<String> events = List.copyOf(client.events);
        assertEquals(3, events.size(), "events: " + events);
        assertTrue(events.get(1).startsWith("error "), "onError comes before onClose: " + events);
        assertEquals("close 1002", events.get(2));
    }

    @Test
    void thePeersCloseIsEchoed() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RawPeer server = rawServer(client, 1 << 16);
        server.write(0x88, 0x05, 0x0F, 0xA0, 'b', 'y', 'e'); // Close 4000 "bye"
        RawPeer.Frame echo = server.readFrame();
        assertEquals(0x8, echo.opcode());
        assertEquals(4000, echo.closeCode());
        CloseReason reason = client.awaitClose();
        assertEquals(4000, reason.getCloseCode().getCode());
        assertEquals("bye", reason.getReasonPhrase());
        assertTrue(server.atEndOfStream());
    }

    @Test
    void aCloseWithoutAnswerTimesOut() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RawPeer server = rawServer(client, 1 << 16);
        pair.client.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "done"));
        assertEquals(1000, server.readFrame().closeCode());
        assertEquals(1000, client.awaitClose().getCloseCode().getCode(), "onClose runs once our Close is sent");
        assertFalse(pair.clientHost.closed.contains(pair.client), "the connection still waits for the peer's Close");
        pair.clientHost.scheduler.advance(ConnectionDriver.Settings.defaults().closeTimeout());
        JakartaSessionTest.awaitSessionClosed(pair.clientHost, pair.client);
        assertTrue(server.atEndOfStream());
        assertEquals(List.of("open", "close 1000"), List.copyOf(client.events));
    }

    @Test
    void anIdleSessionSends1001AndReports1006ToItsOwnEndpoint() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create();
        pair.clientHost.defaults.setMaxIdleTimeout(1000);
        pair.open(client, server);
        assertEquals(1000, pair.client.getMaxIdleTimeout());
        pair.clientHost.scheduler.advance(Duration.ofMillis(999));
        assertTrue(pair.client.isOpen());
        pair.clientHost.scheduler.advance(Duration.ofMillis(1));
        assertEquals(1001, server.awaitClose().getCloseCode().getCode(), "the peer is told: going away");
        assertEquals(1006, client.awaitClose().getCloseCode().getCode(), "WSC-2.1.5: a local close reports 1006");
    }

    @Test
    void keepaliveClosesWhenNoPongComes() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair = SessionPair.create();
        pair.clientHost.defaults.setKeepAlive(Duration.ofSeconds(5), Duration.ZERO);
        pair.openClient(client, SessionPair.config());
        RawPeer server = new RawPeer(pair.wires.server());
        pair.clientHost.scheduler.advance(Duration.ofSeconds(5));
        assertEquals(0x9, server.readFrame().opcode(), "a keepalive Ping");
        assertTrue(client.closes.isEmpty());
        pair.clientHost.scheduler.advance(Duration.ofSeconds(5));
        assertEquals(1006, client.awaitClose().getCloseCode().getCode());
    }

    @Test
    void keepaliveStaysOpenWhilePongsCome() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair = SessionPair.create();
        pair.clientHost.defaults.setKeepAlive(Duration.ofSeconds(5), Duration.ZERO);
        pair.open(client, JakartaSessionTest.collecting());
        for (int round = 0; round < 3; round++) {
            pair.clientHost.scheduler.advance(Duration.ofSeconds(5));
            awaitPendingTimers(1); // the Pong cancelled its deadline; only the next tick is left
        }
        assertTrue(pair.client.isOpen());
        assertTrue(client.closes.isEmpty());
    }

    private void awaitPendingTimers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pair.clientHost.scheduler.pending() != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " timers, got " + pair.clientHost.scheduler.pending());
            }
            Thread.sleep(1);
        }
    }

    @Test
    void aFullSendQueueFailsAsyncSendsAtOnceAndBlockingSendsAfterTheirTimeout() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair = SessionPair.create(256);
        pair.clientHost.settings = new ConnectionDriver.Settings(Duration.ofSeconds(10), 1000, 64 << 10);
        pair.clientHost.blockingSendTimeout = 100;
        pair.openClient(client, SessionPair.config());
        new RawPeer(pair.wires.server()); // never reads
        BlockingQueue<SendResult> results = new LinkedBlockingQueue<>();
        pair.client.getAsyncRemote().sendBinary(ByteBuffer.allocate(400), results::add);
        pair.client.getAsyncRemote().sendBinary(ByteBuffer.allocate(400), results::add);
        pair.client.getAsyncRemote().sendBinary(ByteBuffer.allocate(400), results::add);
        SendResult refused = results.poll(10, TimeUnit.SECONDS);
        assertInstanceOf(SendQueueFullException.class, refused.getException());
        assertNull(results.poll(), "the first two are queued, not failed");
        assertThrows(SendQueueFullException.class,
                () -> pair.client.getBasicRemote().sendBinary(ByteBuffer.allocate(400)));
    }

    @Test
    void theServerContainersSendQueueLimitBoundsTheSessionsItOpens() throws Exception {
        pair = SessionPair.create(256);
        JakartaServerContainer container = new JakartaServerContainer();
        try {
            container.setDefaultSendQueueLimit(1000);
            JakartaSession session = JakartaSession.open(container, pair.serverHandle, pair.wires.server(),
                    JakartaSessionTest.collecting(), SessionPair.config(),
                    SessionSpec.of(URI.create("/chat"), Map.of(), null, Map.of(), "", List.of(), false));
            new RawPeer(pair.wires.client()); // never reads
            BlockingQueue<SendResult> results = new LinkedBlockingQueue<>();
            for (int i = 0; i < 3; i++) {
                session.getAsyncRemote().sendBinary(ByteBuffer.allocate(400), results::add);
            }
            SendResult refused = results.poll(10, TimeUnit.SECONDS);
            assertNotNull(refused, "the third send, over the 1000-byte bound, fails at once");
            assertInstanceOf(SendQueueFullException.class, refused.getException());
            assertNull(results.poll(), "the first two are queued, not failed");
        } finally {
            container.shutdown(Duration.ofMillis(200));
        }
    }

    @Test
    void anAsyncSendTimeoutFailsQueuedSendsAndEndsAConnectionStuckMidFrame() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair = SessionPair.create(256);
        pair.clientHost.defaults.setAsyncSendTimeout(1000);
        pair.openClient(client, SessionPair.config());
        new RawPeer(pair.wires.server()); // never reads
        assertEquals(1000, pair.client.getAsyncRemote().getSendTimeout());
        BlockingQueue<SendResult> stuck = new LinkedBlockingQueue<>();
        BlockingQueue<SendResult> queued = new LinkedBlockingQueue<>();
        pair.client.getAsyncRemote().sendBinary(ByteBuffer.allocate(10_000), stuck::add);
        pair.client.getAsyncRemote().setSendTimeout(500);
        pair.client.getAsyncRemote().sendText("behind it", queued::add);
        pair.clientHost.scheduler.advance(Duration.ofMillis(500));
        assertInstanceOf(java.net.SocketTimeoutException.class, queued.poll(10, TimeUnit.SECONDS).getException());
        assertTrue(pair.client.isOpen(), "a send taken back before the wire costs nothing else");
        pair.clientHost.scheduler.advance(Duration.ofMillis(500));
        assertInstanceOf(java.net.SocketTimeoutException.class, stuck.poll(10, TimeUnit.SECONDS).getException());
        assertEquals(1006, client.awaitClose().getCloseCode().getCode());
    }

    @Test
    void aBlockingSendThePeerDoesNotReadTimesOutAndEndsTheConnection() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair = SessionPair.create(256);
        pair.clientHost.blockingSendTimeout = 100;
        pair.openClient(client, SessionPair.config());
        new RawPeer(pair.wires.server()); // never reads: the frame is stuck mid-write
        assertThrows(java.net.SocketTimeoutException.class,
                () -> pair.client.getBasicRemote().sendBinary(ByteBuffer.allocate(10_000)));
        assertEquals(1006, client.awaitClose().getCloseCode().getCode(), "a frame cut short ends the connection");
    }

    @Test
    void aBlockedSendFailsWhenTheConnectionDies() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair = SessionPair.create(256);
        pair.openClient(client, SessionPair.config());
        new RawPeer(pair.wires.server());
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread sender = new Thread(() -> {
            try {
                pair.client.getBasicRemote().sendBinary(ByteBuffer.allocate(10_000));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        sender.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pair.wires.client().bytesWritten() < 256) { // the pipe is full; the send is stuck
            assertTrue(System.nanoTime() < deadline, "the client never filled the pipe");
            Thread.sleep(1);
        }
        pair.wires.server().close();
        assertInstanceOf(IOException.class, outcome.get(10, TimeUnit.SECONDS));
        assertEquals(1006, client.awaitClose().getCloseCode().getCode());
    }

    @Test
    void aTextMessageOverTheLimitClosesWith1009() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create();
        pair.serverHost.defaults.setMaxTextMessageBufferSize(10);
        pair.open(client, server);
        pair.client.getBasicRemote().sendText("0123456789");
        assertEquals("0123456789", server.nextMessage());
        pair.client.getBasicRemote().sendText("0123456789X");
        assertEquals(1009, server.awaitClose().getCloseCode().getCode());
        assertEquals(1009, client.awaitClose().getCloseCode().getCode());
    }

    @Test
    void closeCodesThatCannotBeSent() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(client, JakartaSessionTest.collecting());
        assertThrows(IllegalArgumentException.class,
                () -> pair.client.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(2000), "")));
        pair.client.close(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "drop"));
        CloseReason reason = client.awaitClose();
        assertEquals(1006, reason.getCloseCode().getCode());
        assertEquals("drop", reason.getReasonPhrase());
    }
}
