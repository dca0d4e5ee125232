package dev.ferry.jakarta;

import jakarta.websocket.CloseReason;
import jakarta.websocket.EncodeException;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of {@link Session} and {@link RemoteEndpoint} the other session tests leave out (issue 3's API audit,
 * provider/API-COVERAGE.md): handler management, the closed-session contract, batching getters, every asynchronous
 * send form, partial byte[] handlers, null arguments and the per-session binary limit. In memory, no sockets.
 */
class SessionApiTest {

    @AutoClose
    private SessionPair pair;

    private static <T> T poll(BlockingQueue<T> queue) throws InterruptedException {
        T value = queue.poll(RecordingEndpoint.WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(value, "nothing within " + RecordingEndpoint.WAIT_SECONDS + " s");
        return value;
    }

    @Test
    void getMessageHandlersListsTheRegisteredOnesAndRemoveStopsDelivery() throws Exception {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        MessageHandler.Whole<String> first = text -> got.add("first " + text);
        MessageHandler.Whole<ByteBuffer> binary = bytes -> got.add("binary " + bytes.remaining());
        RecordingEndpoint server = new RecordingEndpoint(s -> {
            s.addMessageHandler(String.class, first);
            s.addMessageHandler(ByteBuffer.class, binary);
        });
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);

        Set<MessageHandler> handlers = pair.server.getMessageHandlers();
        assertEquals(Set.of(first, binary), handlers);
        assertThrows(UnsupportedOperationException.class, () -> handlers.add(first), "an unmodifiable view");

        pair.client.getBasicRemote().sendText("a");
        assertEquals("first a", poll(got));

        pair.server.removeMessageHandler(first);
        assertEquals(Set.of(binary), pair.server.getMessageHandlers());
        pair.client.getBasicRemote().sendText("dropped: no text handler");
        pair.client.getBasicRemote().sendBinary(ByteBuffer.allocate(3));
        assertEquals("binary 3", poll(got), "the text message in between was dropped, not queued");

        MessageHandler.Whole<String> second = text -> got.add("second " + text);
        pair.server.addMessageHandler(String.class, second); // the freed slot takes a new handler
        pair.client.getBasicRemote().sendText("b");
        assertEquals("second b", poll(got));
        pair.server.removeMessageHandler(JakartaSessionTest.ignore()); // not registered: ignored
        assertEquals(Set.of(second, binary), pair.server.getMessageHandlers());
        assertTrue(server.errors.isEmpty(), "errors: " + server.errors);
    }

    /** A counting host's session spells its id only when asked, the same string each time, closed or not. */
    @Test
    void aCountingHostsSessionIdIsSpelledWhenAskedAndStaysTheSame() throws Exception {
        pair = SessionPair.create();
        pair.serverHost.ids = new SessionIds("server");
        pair.clientHost.ids = new SessionIds("client");
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair.open(JakartaSessionTest.collecting(), server);
        assertEquals("client-1", pair.client.getId());
        assertSame(pair.client.getId(), pair.client.getId());
        pair.client.close();
        server.awaitClose();
        JakartaSessionTest.awaitSessionClosed(pair.serverHost, pair.server);
        String closedId = pair.server.getId(); // first asked once closed
        assertEquals("server-1", closedId);
        assertSame(closedId, pair.server.getId());
        assertTrue(pair.server.toString().contains("server-1"), pair.server.toString());
    }

    @Test
    void aClosedSessionRefusesEverythingButCloseIsOpenAndGetId() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(JakartaSessionTest.collecting(), server);
        Session s = pair.server;
        String id = s.getId();
        pair.client.close();
        server.awaitClose();
        JakartaSessionTest.awaitSessionClosed(pair.serverHost, pair.server);

        assertFalse(s.isOpen());
        assertEquals(id, s.getId());
        s.close(); // does nothing
        List<Executable> refused = List.of(s::getBasicRemote, s::getAsyncRemote, s::getContainer,
                () -> s.addMessageHandler(String.class, JakartaSessionTest.ignore()), s::getMessageHandlers,
                s::getUserProperties, s::getRequestURI, s::getQueryString, s::getRequestParameterMap,
                s::getPathParameters, s::getOpenSessions, s::getNegotiatedSubprotocol, s::getNegotiatedExtensions,
                s::getProtocolVersion, s::isSecure, s::getUserPrincipal, () -> s.setMaxIdleTimeout(5),
                s::getMaxIdleTimeout, s::getMaxTextMessageBufferSize, () -> s.setMaxBinaryMessageBufferSize(5));
        for (Executable call : refused) {
            IllegalStateException failure = assertThrows(IllegalStateException.class, call);
            assertTrue(failure.getMessage().contains(id), failure.getMessage());
        }
    }

    @Test
    void batchingIsOneSettingSeenThroughBothRemotesAndTheAsyncFlushSends() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(JakartaSessionTest.collecting(), server);
        RemoteEndpoint.Basic basic = pair.client.getBasicRemote();
        RemoteEndpoint.Async async = pair.client.getAsyncRemote();
        assertFalse(basic.getBatchingAllowed());
        assertFalse(async.getBatchingAllowed());
        async.setBatchingAllowed(true);
        assertTrue(basic.getBatchingAllowed());
        assertTrue(async.getBatchingAllowed());
        async.sendText("batched");
        async.flushBatch();
        assertEquals("batched", server.nextMessage());
        basic.setBatchingAllowed(false);
        assertFalse(async.getBatchingAllowed());
    }

    @Test
    void everyAsyncSendFormReportsThroughItsFutureOrHandler() throws Exception {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> {
            s.addMessageHandler(String.class, text -> self[0].messages.add(text));
            s.addMessageHandler(ByteBuffer.class, bytes -> self[0].messages.add(bytes));
            s.addMessageHandler(PongMessage.class, pong -> self[0].messages.add(
                    "pong " + StandardCharsets.UTF_8.decode(pong.getApplicationData())));
        });
        RecordingEndpoint server = self[0];
        pair = SessionPair.create();
        pair.openServer(server, SessionPair.config());
        pair.openClient(new RecordingEndpoint(s -> { }),
                SessionPair.config(List.of(SessionMessagesTest.PointEncoder.class), List.of()));
        RemoteEndpoint.Async async = pair.client.getAsyncRemote();
        BlockingQueue<SendResult> results = new LinkedBlockingQueue<>();

        assertNotNullAndDone(async.sendText("future text").get(10, TimeUnit.SECONDS));
        assertEquals("future text", server.nextMessage());

        async.sendBinary(ByteBuffer.wrap(new byte[] {4, 2}), results::add);
        SendResult binary = poll(results);
        assertTrue(binary.isOK());
        assertSame(pair.client, binary.getSession());
        assertEquals(ByteBuffer.wrap(new byte[] {4, 2}), server.nextMessage());

        async.sendObject(new SessionMessagesTest.Point(1, 2), results::add);
        assertTrue(poll(results).isOK());
        assertEquals("1,2", server.nextMessage());

        async.sendObject(new Object(), results::add);
        SendResult refused = poll(results);
        assertFalse(refused.isOK());
        assertInstanceOf(EncodeException.class, refused.getException());
        assertSame(pair.client, refused.getSession());

        async.sendPong(ByteBuffer.wrap("unsolicited".getBytes(StandardCharsets.UTF_8)));
        assertEquals("pong unsolicited", server.nextMessage(), "an unsolicited pong reaches the peer's pong handler");
        pair.server.getAsyncRemote().sendPing(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
        assertEquals("pong ping", server.nextMessage(), "the client answered the server's async ping");
    }

    private static void assertNotNullAndDone(Void result) {
        assertEquals(null, result, "a successful send's future yields null");
    }

    @Test
    void nullArgumentsAreIllegalArguments() throws Exception {
        pair = SessionPair.create().open(JakartaSessionTest.collecting(), JakartaSessionTest.collecting());
        RemoteEndpoint.Basic basic = pair.client.getBasicRemote();
        RemoteEndpoint.Async async = pair.client.getAsyncRemote();
        List<Executable> calls = List.of(() -> basic.sendText(null), () -> basic.sendBinary(null),
                () -> basic.sendText(null, true), () -> basic.sendBinary(null, false), () -> basic.sendObject(null),
                () -> async.sendText(null), () -> async.sendText("x", null), () -> async.sendBinary(null),
                () -> async.sendBinary(ByteBuffer.allocate(1), null), () -> async.sendObject(null),
                () -> async.sendObject("x", null), () -> pair.client.addMessageHandler(null),
                () -> pair.client.addMessageHandler(null, JakartaSessionTest.ignore()));
        for (Executable call : calls) {
            assertThrows(IllegalArgumentException.class, call);
        }
        basic.sendText("still open");
        assertTrue(pair.client.isOpen());
    }

    @Test
    void aPartialByteArrayHandlerSeesThePartsOfOneMessage() throws Exception {
        List<byte[]> parts = new ArrayList<>();
        List<Boolean> lasts = new ArrayList<>();
        BlockingQueue<byte[]> whole = new LinkedBlockingQueue<>();
        RecordingEndpoint server = new RecordingEndpoint(s -> s.addMessageHandler(byte[].class,
                (MessageHandler.Partial<byte[]>) (part, last) -> {
                    parts.add(part);
                    lasts.add(last);
                    if (last) {
                        ByteArrayOutputStream joined = new ByteArrayOutputStream();
                        parts.forEach(joined::writeBytes);
                        whole.add(joined.toByteArray());
                    }
                }));
        pair = SessionPair.create().open(JakartaSessionTest.collecting(), server);
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false);
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {3}), false);
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {4, 5}), true);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, poll(whole));
        assertTrue(parts.size() >= 2, "parts arrive as they come, not joined: " + parts.size());
        assertEquals(List.of(true), lasts.subList(lasts.size() - 1, lasts.size()));
        assertFalse(lasts.subList(0, lasts.size() - 1).contains(true), "only the final part is last: " + lasts);
    }

    @Test
    void aBinaryMessageOverTheSessionsLimitClosesWith1009() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(client, server);
        pair.server.setMaxBinaryMessageBufferSize(10);
        assertEquals(10, pair.server.getMaxBinaryMessageBufferSize());
        pair.client.getBasicRemote().sendBinary(ByteBuffer.allocate(10));
        assertEquals(ByteBuffer.allocate(10), server.nextMessage());
        pair.client.getBasicRemote().sendBinary(ByteBuffer.allocate(11));
        assertEquals(1009, server.awaitClose().getCloseCode().getCode());
        assertEquals(1009, client.awaitClose().getCloseCode().getCode());
    }

    @Test
    void theTextLimitCountsUtf8BytesNotCharacters() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(client, server);
        pair.server.setMaxTextMessageBufferSize(10);
        pair.client.getBasicRemote().sendText("\u00e9".repeat(5)); // 5 characters, 10 bytes
        assertEquals("\u00e9".repeat(5), server.nextMessage());
        pair.client.getBasicRemote().sendText("\u00e9".repeat(6)); // 6 characters, 12 bytes
        CloseReason reason = server.awaitClose();
        assertEquals(1009, reason.getCloseCode().getCode());
        assertEquals("text message over 10 bytes", reason.getReasonPhrase());
        assertEquals(1009, client.awaitClose().getCloseCode().getCode());
    }

    @Test
    void theBufferSizeSettersRefuseZeroAndNegativeSizesAndKeepTheOldOne() throws Exception {
        pair = SessionPair.create().open(JakartaSessionTest.collecting(), JakartaSessionTest.collecting());
        Session s = pair.server;
        s.setMaxTextMessageBufferSize(100);
        s.setMaxBinaryMessageBufferSize(200);
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                    () -> s.setMaxTextMessageBufferSize(bad));
            assertTrue(text.getMessage().contains("got " + bad), text.getMessage());
            IllegalArgumentException binary = assertThrows(IllegalArgumentException.class,
                    () -> s.setMaxBinaryMessageBufferSize(bad));
            assertTrue(binary.getMessage().contains("got " + bad), binary.getMessage());
        }
        assertEquals(100, s.getMaxTextMessageBufferSize());
        assertEquals(200, s.getMaxBinaryMessageBufferSize());
    }

    @Test
    void aZeroOrNegativeIdleTimeoutMeansNoneAsTheJavadocSays() throws Exception {
        pair = SessionPair.create().open(JakartaSessionTest.collecting(), JakartaSessionTest.collecting());
        Session s = pair.server;
        s.setMaxIdleTimeout(-5);
        assertEquals(0, s.getMaxIdleTimeout(), "no timeout");
        s.setMaxIdleTimeout(1234);
        assertEquals(1234, s.getMaxIdleTimeout());
        s.setMaxIdleTimeout(0);
        assertEquals(0, s.getMaxIdleTimeout());
        assertTrue(s.isOpen());
    }

    @Test
    void closeWith1005SendsACloseWithoutBodyWhichThePeerSeesAs1005() throws Exception {
        RecordingEndpoint client = JakartaSessionTest.collecting();
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(client, server);
        pair.client.close(new CloseReason(CloseReason.CloseCodes.NO_STATUS_CODE, ""));
        CloseReason atServer = server.awaitClose();
        assertEquals(1005, atServer.getCloseCode().getCode(), "a Close without a body reads as 1005 (RFC 6455 §7.1.5)");
        assertEquals("", atServer.getReasonPhrase());
        assertEquals(1005, client.awaitClose().getCloseCode().getCode());
    }

    @Test
    void aReasonPhraseInAnyScriptRoundTrips() throws Exception {
        RecordingEndpoint server = JakartaSessionTest.collecting();
        pair = SessionPair.create().open(JakartaSessionTest.collecting(), server);
        String reason = "до свидания 👋"; // 2-, 1- and 4-byte UTF-8
        pair.client.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(4321), reason));
        CloseReason atServer = server.awaitClose();
        assertEquals(4321, atServer.getCloseCode().getCode());
        assertEquals(reason, atServer.getReasonPhrase());
    }

    @Test
    void aSendWriterAndStreamSendAFragmentPerFlushTheLastAtCloseAndRefuseWritesAfterIt() throws Exception {
        BlockingQueue<String> parts = new LinkedBlockingQueue<>();
        RecordingEndpoint server = new RecordingEndpoint(s -> {
            s.addMessageHandler(String.class, (MessageHandler.Partial<String>) (part, last) ->
                    parts.add(part + (last ? "|last" : "")));
            s.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) ->
                    parts.add(part.remaining() + (last ? "|last" : "")));
        });
        pair = SessionPair.create().open(JakartaSessionTest.collecting(), server);

        java.io.Writer writer = pair.client.getBasicRemote().getSendWriter();
        writer.write("ab");
        writer.flush();
        assertEquals("ab", poll(parts), "flush sends what is buffered as a fragment");
        writer.write("c");
        writer.close();
        assertEquals("c|last", poll(parts));
        assertThrows(java.io.IOException.class, () -> writer.write("x"));
        writer.close(); // a second close does nothing

        java.io.OutputStream out = pair.client.getBasicRemote().getSendStream();
        out.write(new byte[3]);
        out.flush();
        assertEquals("3", poll(parts));
        out.close();
        assertEquals("0|last", poll(parts), "close ends the message with an empty final fragment");
        assertThrows(java.io.IOException.class, () -> out.write(1));
        assertTrue(parts.isEmpty(), "nothing more: " + parts);
    }
}
