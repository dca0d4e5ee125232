package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Session semantics over an in-memory connection: messages both ways, the close handshake, abrupt ends. */
class JakartaSessionTest {

    @AutoClose
    private SessionPair pair;

    /** A server endpoint that echoes text and binary messages with the basic remote. */
    static RecordingEndpoint echo() {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> {
            s.addMessageHandler(String.class, text -> {
                self[0].messages.add(text);
                send(() -> s.getBasicRemote().sendText(text));
            });
            s.addMessageHandler(ByteBuffer.class, bytes -> {
                self[0].messages.add(bytes);
                send(() -> s.getBasicRemote().sendBinary(bytes));
            });
        });
        return self[0];
    }

    static RecordingEndpoint collecting() {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> {
            s.addMessageHandler(String.class, text -> self[0].messages.add(text));
            s.addMessageHandler(ByteBuffer.class, bytes -> self[0].messages.add(bytes));
        });
        return self[0];
    }

    interface IoAction {
        void run() throws IOException;
    }

    static void send(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void textAndBinaryRoundTrip() throws Exception {
        RecordingEndpoint server = echo();
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, server);

        pair.client.getBasicRemote().sendText("hello");
        assertEquals("hello", server.nextMessage());
        assertEquals("hello", client.nextMessage());

        byte[] payload = new byte[70_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(payload));
        server.nextMessage();
        ByteBuffer echoed = (ByteBuffer) client.nextMessage();
        byte[] got = new byte[echoed.remaining()];
        echoed.get(got);
        assertArrayEquals(payload, got);
    }

    @Test
    void sessionReportsWhatTheHandshakeEstablished() throws Exception {
        pair = SessionPair.create().open(collecting(), collecting());
        Session s = pair.server;
        assertEquals("/chat?room=1&user=a%20b", s.getRequestURI().toString());
        assertEquals("room=1&user=a%20b", s.getQueryString());
        assertEquals(Map.of("room", List.of("1"), "user", List.of("a b")), s.getRequestParameterMap());
        assertEquals(Map.of("room", "1"), s.getPathParameters());
        assertEquals("", s.getNegotiatedSubprotocol());
        assertEquals(List.of(), s.getNegotiatedExtensions());
        assertEquals("13", s.getProtocolVersion());
        assertFalse(s.isSecure());
        assertTrue(s.isOpen());
        assertTrue(s.getOpenSessions().contains(s));
        s.getUserProperties().put("k", "v");
        assertEquals(null, pair.client.getUserProperties().get("k"), "user properties are per session");
    }

    /** Session.close: "After the close notification has been sent the implementation notifies onClose". */
    @Test
    void onCloseRunsOnceOurCloseIsSentWithoutWaitingForThePeersAnswer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingEndpoint server = new RecordingEndpoint(s -> { }) {
            @Override
            public void onClose(Session s, CloseReason reason) {
                super.onClose(s, reason);
                try {
                    release.await(RecordingEndpoint.WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, server);

        pair.client.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "bye"));
        assertEquals(1001, server.awaitClose().getCloseCode().getCode()); // the server holds its answer back
        CloseReason atClient = client.awaitClose();
        assertEquals(1001, atClient.getCloseCode().getCode());
        assertEquals("bye", atClient.getReasonPhrase());
        assertFalse(pair.client.isOpen());
        assertFalse(pair.wires.client().isClosed(), "the client still waits for the server's Close");
        release.countDown();
        awaitSessionClosed(pair.clientHost, pair.client);
        assertEquals(List.of("open", "close 1001"), List.copyOf(client.events));
    }

    @Test
    void clientCloseRunsTheHandshakeAndBothSidesSeeOneOnClose() throws Exception {
        RecordingEndpoint server = collecting();
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, server);

        pair.client.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "bye"));
        CloseReason atServer = server.awaitClose();
        assertEquals(1001, atServer.getCloseCode().getCode());
        assertEquals("bye", atServer.getReasonPhrase());
        CloseReason atClient = client.awaitClose();
        assertEquals(1001, atClient.getCloseCode().getCode());
        // onClose runs before each side's driver has closed its transport; a session counts as closed after.
        awaitSessionClosed(pair.clientHost, pair.client);
        awaitSessionClosed(pair.serverHost, pair.server);
        assertTrue(pair.wires.client().isClosed());
        assertTrue(pair.wires.server().isClosed());
        assertEquals(List.of("open", "close 1001"), List.copyOf(server.events));
        assertEquals(List.of("open", "close 1001"), List.copyOf(client.events));
        assertThrows(IllegalStateException.class, () -> pair.client.getBasicRemote());
        pair.client.close(); // no effect on a closed session
    }

    @Test
    void closeHandshakeWithPermessageDeflate() throws Exception {
        RecordingEndpoint server = echo();
        RecordingEndpoint client = collecting();
        pair = SessionPair.withExtensions(List.of(dev.ferry.protocol.extension.PerMessageDeflate.defaults()));
        pair.open(client, server);
        pair.client.getBasicRemote().sendText("squeeze me ".repeat(100));
        assertEquals("squeeze me ".repeat(100), client.nextMessage());
        pair.client.close();
        assertEquals(1000, server.awaitClose().getCloseCode().getCode());
        assertEquals(1000, client.awaitClose().getCloseCode().getCode());
        assertTrue(client.errors.isEmpty() && server.errors.isEmpty(), client.errors + " " + server.errors);
    }

    @Test
    void onCloseRunsBeforeTheAnswerAndMaySendLastWords() throws Exception {
        RecordingEndpoint client = collecting();
        RecordingEndpoint server = new RecordingEndpoint(s -> { }) {
            @Override
            public void onClose(Session s, CloseReason reason) {
                events.add("open=" + s.isOpen());
                send(() -> s.getBasicRemote().sendText("last words"));
                super.onClose(s, reason);
            }
        };
        pair = SessionPair.create().open(client, server);
        pair.client.close();
        assertEquals(1000, client.awaitClose().getCloseCode().getCode());
        assertEquals(1000, server.awaitClose().getCloseCode().getCode());
        assertEquals(List.of("open", "open=false", "close 1000"), List.copyOf(server.events));
        assertTrue(server.errors.isEmpty(), "errors: " + server.errors);
        awaitSessionClosed(pair.clientHost, pair.client);
        // The client's onClose ran once its Close was sent; data that arrived after that is not delivered.
        assertTrue(client.messages.isEmpty(), "delivered after onClose: " + client.messages);
        assertEquals(List.of("open", "close 1000"), List.copyOf(client.events));
    }

    @Test
    void closeOnAnApplicationThreadReturnsOnceOnCloseAndItsOnErrorHaveRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingEndpoint client = new RecordingEndpoint(s -> { }) {
            @Override
            public void onClose(Session s, CloseReason reason) {
                try {
                    release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onClose(s, reason);
                throw new IllegalStateException("thrown by onClose"); // goes to onError
            }
        };
        pair = SessionPair.create().open(client, collecting());
        Thread closing = Thread.currentThread();
        Thread releaser = new Thread(() -> { // lets onClose finish once close() waits for it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RecordingEndpoint.WAIT_SECONDS);
            while (closing.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            release.countDown();
        });
        releaser.start();
        try {
            pair.client.close();
            // No waiting from here: what onClose led to is done when close() returns, as the TCK's close tests read.
            assertEquals(List.of("open", "close 1000", "error IllegalStateException"), List.copyOf(client.events));
            assertFalse(pair.client.isOpen());
        } finally {
            release.countDown();
            releaser.join();
        }
    }

    @Test
    void closeInsideACallbackReturnsWithoutWaitingForItsOwnOnClose() throws Exception {
        RecordingEndpoint server = new RecordingEndpoint(s -> s.addMessageHandler(String.class, text -> {
            try {
                s.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RecordingEndpoint.class.cast(s.getUserProperties().get("self")).events.add("close() returned");
        }));
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, server);
        pair.server.getUserProperties().put("self", server);
        pair.client.getBasicRemote().sendText("close yourself");
        assertEquals(1000, server.awaitClose().getCloseCode().getCode());
        assertEquals(List.of("open", "close() returned", "close 1000"), List.copyOf(server.events));
    }

    @Test
    void serverCloseIsAnsweredByTheClient() throws Exception {
        RecordingEndpoint server = collecting();
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, server);
        pair.server.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(4000), "app"));
        assertEquals(4000, client.awaitClose().getCloseCode().getCode());
        assertEquals(4000, server.awaitClose().getCloseCode().getCode());
    }

    @Test
    void abruptEndIsReportedAs1006() throws Exception {
        RecordingEndpoint server = collecting();
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, server);
        pair.wires.server().close(); // TCP gone, no Close frame
        CloseReason reason = client.awaitClose();
        assertEquals(1006, reason.getCloseCode().getCode());
        assertTrue(client.errors.isEmpty(), "an EOF is not an error: " + client.errors);
    }

    @Test
    void messagesSentBeforeCloseArriveBeforeTheClose() throws Exception {
        RecordingEndpoint server = collecting();
        pair = SessionPair.create().open(collecting(), server);
        for (int i = 0; i < 50; i++) {
            pair.client.getAsyncRemote().sendText("m" + i);
        }
        pair.client.close();
        for (int i = 0; i < 50; i++) {
            assertEquals("m" + i, server.nextMessage());
        }
        assertEquals(1000, server.awaitClose().getCloseCode().getCode());
    }

    static void awaitSessionClosed(TestHost host, JakartaSession session) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!host.closed.contains(session)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("session not closed within 10 s");
            }
            Thread.sleep(5);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static MessageHandler.Whole<String> ignore() {
        return s -> { };
    }
}
