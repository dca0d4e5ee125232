package dev.ferry.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The action loop rules of spec §5 (R1-R8), chunking, abort and drain, failure (J2), end of stream, short writes. */
class ActionRulesTest {

    private static final HexFormat HEX = HexFormat.of();

    private final WebSocketHandle client = Handles.client(HandleProperties.defaults(), 3);

    private static Action.ReceiveFromNetwork read(WebSocketHandle handle, String hex) {
        Action.ReceiveFromNetwork r = assertInstanceOf(Action.ReceiveFromNetwork.class, handle.getAction(ActionQueue.RECEIVE));
        byte[] bytes = HEX.parseHex(hex);
        r.buffer().put(bytes);
        handle.completeAction(r, bytes.length);
        return r;
    }

    @Test
    void sendGivesOneFrameThenCompletion() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 1);
        ByteBuffer payload = ByteBuffer.wrap("Hello".getBytes());
        server.send(BufferType.UTF8_MESSAGE, payload, "ctx");
        Action.SendToNetwork s = assertInstanceOf(Action.SendToNetwork.class, server.getAction(ActionQueue.SEND));
        assertEquals("ctx", s.context());
        assertEquals(BufferType.UTF8_MESSAGE, s.bufferType());
        assertEquals(2, s.buffers().size());
        assertEquals("8105", HEX.formatHex(bytes(s.buffers().get(0))));
        assertTrue(s.buffers().get(1).isReadOnly(), "the caller's payload goes out as a read-only view");
        assertEquals(payload.position(), s.buffers().get(1).position());
        assertSame(Action.NO_ACTION, server.getAction(ActionQueue.SEND), "R2: one uncompleted action per pipeline");
        s.buffers().forEach(b -> b.position(b.limit())); // as a channel write leaves them
        assertEquals(7, s.totalBytes(), "totalBytes stays the frame length after writing");
        server.completeAction(s, 7);
        Action.IndicateSendComplete c = assertInstanceOf(Action.IndicateSendComplete.class, server.getAction(ActionQueue.SEND));
        assertEquals("ctx", c.context());
        server.completeAction(c, 0);
        assertSame(Action.NO_ACTION, server.getAction(ActionQueue.ALL));
    }

    @Test
    void clientFramesAreMaskedWithTheSeededKeys() {
        WebSocketHandle seeded = Handles.client(HandleProperties.defaults(), 99);
        WebSocketHandle again = Handles.client(HandleProperties.defaults(), 99);
        byte[] first = frame(seeded, "Hello");
        assertEquals(HEX.formatHex(first), HEX.formatHex(frame(again, "Hello")), "same seed, same bytes");
        assertEquals(0x81, first[0] & 0xFF);
        assertEquals(0x85, first[1] & 0xFF);
        assertEquals("Hello", new String(Peer.payloadOf(first)));
        WebSocketHandle unmasked = Handles.client(HandleProperties.builder().disableMasking(true).build(), 1);
        assertEquals("818500000000" + HEX.formatHex("Hello".getBytes()), HEX.formatHex(frame(unmasked, "Hello")),
                "J14: masking disabled means key 0");
    }

    private static byte[] frame(WebSocketHandle handle, String text) {
        handle.send(BufferType.UTF8_MESSAGE, ByteBuffer.wrap(text.getBytes()), null);
        Action.SendToNetwork s = assertInstanceOf(Action.SendToNetwork.class, handle.getAction(ActionQueue.SEND));
        ByteQueue q = new ByteQueue();
        long total = 0;
        for (ByteBuffer b : s.buffers()) {
            total += b.remaining();
            q.add(b);
        }
        handle.completeAction(s, total);
        handle.completeAction(handle.getAction(ActionQueue.SEND), 0);
        return q.drain();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void chunksAreBoundedByTheReceiveBuffer() {
        HandlePair pair = new HandlePair(HandleProperties.defaults(),
                HandleProperties.builder().receiveBufferSize(256).build(), 5);
        pair.server.autoReceive();
        byte[] data = new byte[1000];
        pair.client.then(h -> h.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(data), 1));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.BINARY_MESSAGE, 1);
        ActionRecorder.Received r = pair.server.recorder.expectMessage(BufferType.BINARY_MESSAGE, data);
        assertTrue(r.chunks() >= 4, "1000 bytes through a 256-byte buffer take at least 4 chunks, got " + r.chunks());
        pair.assertExhausted();
    }

    @Test
    void bufferedBytesAreUsedBeforeReadingAgain() {
        client.receive(1);
        read(client, "810141" + "810142");
        Action.IndicateReceiveComplete a = assertInstanceOf(Action.IndicateReceiveComplete.class,
                client.getAction(ActionQueue.RECEIVE));
        assertEquals("41", HEX.formatHex(bytes(a.data())));
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE), "one INDICATE_RECEIVE_COMPLETE per receive");
        client.completeAction(a, 0);
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE), "no receive queued");
        client.receive(2);
        Action.IndicateReceiveComplete b = assertInstanceOf(Action.IndicateReceiveComplete.class,
                client.getAction(ActionQueue.RECEIVE), "the second message was already buffered");
        assertEquals(2, b.context());
        assertEquals("42", HEX.formatHex(bytes(b.data())));
        assertTrue(b.data().isReadOnly());
        client.completeAction(b, 0);
    }

    @Test
    void pongWaitsForTheWireWhileASendIsOutstanding() {
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[3]), "s");
        Action.SendToNetwork frame = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        client.receive("r");
        read(client, "8900");
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE), "R5: the pong waits for the one writer");
        client.completeAction(frame, frame.totalBytes());
        Action.SendToNetwork pong = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.RECEIVE));
        assertNull(pong.context(), "automatic pongs have no context");
        Action done = assertInstanceOf(Action.IndicateSendComplete.class, client.getAction(ActionQueue.SEND));
        client.completeAction(done, 0);
        client.send(BufferType.BINARY_MESSAGE, null, "s2");
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.SEND), "R5: the next frame waits for the pong");
        client.completeAction(pong, pong.totalBytes());
        assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
    }

    @Test
    void pongRepliesAfterOurCloseAreDropped() {
        client.sendClose(CloseStatus.NORMAL_CLOSURE, "c");
        CallerMistakesTest.drainSend(client);
        client.receive("r");
        read(client, "8900" + "820101");
        Action.IndicateReceiveComplete data = assertInstanceOf(Action.IndicateReceiveComplete.class,
                client.getAction(ActionQueue.ALL));
        assertEquals(BufferType.BINARY_MESSAGE, data.bufferType(), "data after our Close is still delivered");
        client.completeAction(data, 0);
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.ALL));
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.ALL));
    }

    @Test
    void pingsAfterOurCloseAreAcceptedButNotWritten() {
        client.sendClose(null, "c");
        CallerMistakesTest.drainSend(client);
        client.send(BufferType.PING, null, "p");
        Action.IndicateSendComplete c = assertInstanceOf(Action.IndicateSendComplete.class, client.getAction(ActionQueue.SEND));
        assertEquals(BufferType.PING, c.bufferType());
        client.completeAction(c, 0);
    }

    @Test
    void endOfStreamCancelsTheReceive() {
        client.receive("r");
        Action.ReceiveFromNetwork r = assertInstanceOf(Action.ReceiveFromNetwork.class, client.getAction(ActionQueue.RECEIVE));
        client.completeAction(r, 0);
        Action.IndicateReceiveComplete c = assertInstanceOf(Action.IndicateReceiveComplete.class,
                client.getAction(ActionQueue.RECEIVE));
        assertEquals(BufferType.CLOSE, c.bufferType());
        assertEquals(CloseStatus.ABORTED, c.closeStatus());
        assertEquals("r", c.context());
        client.completeAction(c, 0);
        assertEquals(HandleState.OPEN, client.state(), "end of stream is the caller's to act on (abort)");
    }

    @Test
    void shortWriteCancelsTheSend() {
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[100]), "s");
        Action.SendToNetwork s = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        client.completeAction(s, 10);
        Action.IndicateSendComplete c = assertInstanceOf(Action.IndicateSendComplete.class, client.getAction(ActionQueue.SEND));
        assertEquals("s", c.context());
        client.completeAction(c, 0);
    }

    @Test
    void abortDrainsQueuedWork() {
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[5]), "s");
        client.receive("r");
        client.abort();
        assertEquals(HandleState.ABORTED, client.state());
        assertThrowsState(() -> client.send(BufferType.BINARY_MESSAGE, null, "x"));
        assertThrowsState(() -> client.receive("x"));
        Action.IndicateSendComplete s = assertInstanceOf(Action.IndicateSendComplete.class, client.getAction(ActionQueue.SEND));
        assertEquals("s", s.context());
        client.completeAction(s, 0);
        Action.IndicateReceiveComplete r = assertInstanceOf(Action.IndicateReceiveComplete.class,
                client.getAction(ActionQueue.RECEIVE));
        assertEquals(CloseStatus.ABORTED, r.closeStatus());
        client.completeAction(r, 0);
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.ALL));
        client.close();
    }

    @Test
    void abortWithAFrameOnLoanLetsItComplete() {
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[5]), "s");
        client.receive("r");
        Action.SendToNetwork s = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        Action.ReceiveFromNetwork r = assertInstanceOf(Action.ReceiveFromNetwork.class, client.getAction(ActionQueue.RECEIVE));
        client.abort();
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.ALL));
        client.completeAction(s, s.totalBytes());
        client.completeAction(r, 0);
        assertInstanceOf(Action.IndicateSendComplete.class, client.getAction(ActionQueue.SEND));
        assertInstanceOf(Action.IndicateReceiveComplete.class, client.getAction(ActionQueue.RECEIVE));
    }

    @Test
    void abortBeforeTheHandshake() {
        WebSocketHandle fresh = WebSocketHandle.createServer(HandleProperties.defaults());
        fresh.abort();
        assertEquals(HandleState.ABORTED, fresh.state());
        assertSame(Action.NO_ACTION, fresh.getAction(ActionQueue.ALL));
    }

    @Test
    void failureCancelsAQueuedSendThenWritesOneClose() {
        client.receive("r");
        read(client, "8300");
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[5]), "s");
        WebSocketProtocolException e = org.junit.jupiter.api.Assertions.assertThrows(WebSocketProtocolException.class,
                () -> client.getAction(ActionQueue.RECEIVE));
        assertEquals(1002, e.closeStatus().code());
        assertEquals(InvalidProtocolFormatException.HRESULT, e.hresult());
        assertEquals(HandleState.FAILED, client.state());
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE), "thrown once");
        assertThrowsState(() -> client.send(BufferType.BINARY_MESSAGE, null, "x"));
        assertThrowsState(() -> client.receive("x"));
        Action.IndicateSendComplete cancelled = assertInstanceOf(Action.IndicateSendComplete.class,
                client.getAction(ActionQueue.SEND));
        assertEquals("s", cancelled.context());
        client.completeAction(cancelled, 0);
        Action.SendToNetwork close = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        assertNull(close.context());
        assertEquals(BufferType.CLOSE, close.bufferType());
        client.completeAction(close, close.totalBytes());
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.ALL));
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.SEND));
    }

    @Test
    void failureWaitsForTheFrameOnLoan() {
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[5]), "s");
        Action.SendToNetwork frame = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        client.receive("r");
        read(client, "81 01 ff".replace(" ", ""));
        org.junit.jupiter.api.Assertions.assertThrows(InvalidProtocolFormatException.class,
                () -> client.getAction(ActionQueue.RECEIVE));
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.SEND));
        client.completeAction(frame, frame.totalBytes());
        client.completeAction(client.getAction(ActionQueue.SEND), 0);
        Action.SendToNetwork close = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        byte[] payload = Peer.payloadOf(concat(close.buffers()));
        assertEquals(1007, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
    }

    @Test
    void noFailureCloseWhenOurCloseIsAlreadyOut() {
        client.sendClose(CloseStatus.NORMAL_CLOSURE, "c");
        CallerMistakesTest.drainSend(client);
        client.receive("r");
        read(client, "8300");
        org.junit.jupiter.api.Assertions.assertThrows(InvalidProtocolFormatException.class,
                () -> client.getAction(ActionQueue.RECEIVE));
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.SEND));
    }

    @Test
    void allQueueServesBothPipelines() {
        client.send(BufferType.BINARY_MESSAGE, null, "s");
        client.receive("r");
        Action first = client.getAction(ActionQueue.ALL);
        Action second = client.getAction(ActionQueue.ALL);
        assertEquals(java.util.Set.of(ActionType.RECEIVE_FROM_NETWORK, ActionType.SEND_TO_NETWORK),
                java.util.Set.of(first.type(), second.type()));
    }

    @Test
    void propertyDefaults() {
        HandleProperties d = HandleProperties.defaults();
        assertEquals(4096, d.receiveBufferSize());
        assertEquals(4096, d.sendBufferSize());
        assertEquals(false, d.disableMasking());
        assertEquals(false, d.disableUtf8Verification());
        assertEquals(-1, d.maxMessageSize());
        assertEquals(List.of(), d.extensions());
        assertEquals(d, d.toBuilder().build());
        GlobalProperties g = WebSocketHandle.getGlobalProperties();
        assertEquals(List.of(13), g.supportedVersions());
        assertTrue(g.keepAliveInterval().getSeconds() >= 15);
        HandleProperties extremes = HandleProperties.builder().receiveBufferSize(256).sendBufferSize(1 << 20).build();
        assertEquals(256, extremes.receiveBufferSize());
        WebSocketHandle handle = Handles.client(extremes, 1);
        handle.receive(null);
        Action.ReceiveFromNetwork r = assertInstanceOf(Action.ReceiveFromNetwork.class, handle.getAction(ActionQueue.RECEIVE));
        assertEquals(256, r.buffer().remaining(), "the receive buffer has receiveBufferSize bytes");
    }

    private static byte[] concat(List<ByteBuffer> buffers) {
        ByteQueue q = new ByteQueue();
        buffers.forEach(b -> q.add(b.duplicate()));
        return q.drain();
    }

    private static void assertThrowsState(org.junit.jupiter.api.function.Executable call) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, call);
    }
}
