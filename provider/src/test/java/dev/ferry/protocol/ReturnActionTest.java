package dev.ferry.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link WebSocketHandle#returnAction}: a read handed back unused counts as completed, the receive stays pending,
 * and nothing buffered (partial frames, control frames, pipelined messages) is lost across it.
 */
class ReturnActionTest {

    private final WebSocketHandle client = Handles.client(HandleProperties.defaults(), 5);

    /** An unmasked frame as a server sends it (payloads under 126 bytes). */
    private static byte[] frame(int firstByte, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + data.length];
        frame[0] = (byte) firstByte;
        frame[1] = (byte) data.length;
        System.arraycopy(data, 0, frame, 2, data.length);
        return frame;
    }

    /** A masked frame as a client sends it (payloads under 126 bytes). */
    private static byte[] masked(int firstByte, String payload, byte[] key) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[6 + data.length];
        frame[0] = (byte) firstByte;
        frame[1] = (byte) (0x80 | data.length);
        System.arraycopy(key, 0, frame, 2, 4);
        for (int i = 0; i < data.length; i++) {
            frame[6 + i] = (byte) (data[i] ^ key[i % 4]);
        }
        return frame;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static Action.ReceiveFromNetwork read(WebSocketHandle handle) {
        return assertInstanceOf(Action.ReceiveFromNetwork.class, handle.getAction(ActionQueue.RECEIVE));
    }

    private static void feed(WebSocketHandle handle, Action.ReceiveFromNetwork read, byte[] bytes) {
        read.buffer().put(bytes);
        handle.completeAction(read, bytes.length);
    }

    /** The next chunk: its type and text, completed. */
    private static String chunk(WebSocketHandle handle, BufferType expected) {
        Action.IndicateReceiveComplete chunk = assertInstanceOf(Action.IndicateReceiveComplete.class,
                handle.getAction(ActionQueue.RECEIVE));
        assertEquals(expected, chunk.bufferType());
        String text = StandardCharsets.UTF_8.decode(chunk.data()).toString();
        handle.completeAction(chunk, 0);
        return text;
    }

    private static void rejects(WebSocketHandle handle, Executable call) {
        HandleState before = handle.state();
        assertThrows(IllegalStateException.class, call);
        assertEquals(before, handle.state(), "state unchanged");
    }

    @Test
    void aReturnedReadCountsAsCompletedAndTheReceiveStaysPending() {
        client.receive("ctx");
        Action.ReceiveFromNetwork first = read(client);
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE), "R2: one action per pipeline");
        client.returnAction(first);
        assertEquals(HandleState.OPEN, client.state());

        Action.ReceiveFromNetwork second = read(client);
        assertEquals("ctx", second.context());
        assertEquals(0, second.buffer().position());
        assertEquals(HandleProperties.DEFAULT_BUFFER_SIZE, second.buffer().remaining());
        feed(client, second, frame(0x82, "Hello"));
        assertEquals("Hello", chunk(client, BufferType.BINARY_MESSAGE));
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE), "one indication per receive");
    }

    @Test
    void whatTheCallerPutIntoAReturnedReadIsIgnored() {
        client.receive(null);
        Action.ReceiveFromNetwork first = read(client);
        first.buffer().put(frame(0x82, "lost"));
        client.returnAction(first);
        feed(client, read(client), frame(0x82, "kept"));
        assertEquals("kept", chunk(client, BufferType.BINARY_MESSAGE));
    }

    @Test
    void mistakesThrowAndChangeNothing() {
        WebSocketHandle other = Handles.client(HandleProperties.defaults(), 6);
        client.receive(null);
        Action.ReceiveFromNetwork outstanding = read(client);
        rejects(client, () -> client.returnAction(new Action.ReceiveFromNetwork(ByteBuffer.allocate(8), null)));
        other.receive(null);
        Action.ReceiveFromNetwork othersRead = read(other);
        rejects(client, () -> client.returnAction(othersRead));
        assertThrows(NullPointerException.class, () -> client.returnAction(null));
        // The outstanding read is still outstanding: it can be completed as usual.
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE));
        feed(client, outstanding, frame(0x81, "one"));
        rejects(client, () -> client.returnAction(outstanding)); // completed already
        assertEquals("one", chunk(client, BufferType.UTF8_MESSAGE));

        client.receive("ctx");
        Action.ReceiveFromNetwork returned = read(client);
        client.returnAction(returned);
        Action.ReceiveFromNetwork next = read(client);
        // A read that carried a context is not handed out again once its memory went back to the pool (the pool
        // keeps no caller's context), so the returned one is no longer outstanding.
        assertNotSame(returned, next);
        rejects(client, () -> client.returnAction(returned)); // returned already
        rejects(client, () -> client.completeAction(new Action.ReceiveFromNetwork(ByteBuffer.allocate(8), null), 1));
        client.returnAction(next);

        other.close();
        rejects(other, () -> other.returnAction(othersRead)); // after close()
        client.close();
        rejects(client, () -> client.returnAction(next));
    }

    @Test
    void aPartialHeaderSurvivesAReturn() {
        client.receive(null);
        feed(client, read(client), new byte[] {(byte) 0x82});
        Action.ReceiveFromNetwork rest = read(client);
        assertEquals(1, rest.buffer().position(), "the header's first byte stays buffered");
        client.returnAction(rest);
        Action.ReceiveFromNetwork again = read(client);
        assertEquals(1, again.buffer().position(), "still buffered after the return");
        feed(client, again, Arrays.copyOfRange(frame(0x82, "Hello"), 1, 7));
        assertEquals("Hello", chunk(client, BufferType.BINARY_MESSAGE));
    }

    @Test
    void aPayloadContinuesAcrossAReturn() {
        byte[] whole = frame(0x81, "Hello");
        client.receive(null);
        feed(client, read(client), Arrays.copyOf(whole, 4));
        assertEquals("He", chunk(client, BufferType.UTF8_FRAGMENT));
        client.receive(null);
        Action.ReceiveFromNetwork empty = read(client);
        assertEquals(0, empty.buffer().position());
        client.returnAction(empty);
        feed(client, read(client), Arrays.copyOfRange(whole, 4, whole.length));
        assertEquals("llo", chunk(client, BufferType.UTF8_MESSAGE));
    }

    @Test
    void maskedPayloadsUnmaskFromTheRightKeyOffsetAcrossReturns() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 8);
        byte[] whole = masked(0x81, "Hello, world", new byte[] {0x11, 0x22, 0x33, 0x44});
        for (int split = 1; split < whole.length; split++) {
            StringBuilder text = new StringBuilder();
            server.receive(null);
            feed(server, read(server), Arrays.copyOf(whole, split));
            Action action = server.getAction(ActionQueue.RECEIVE);
            if (action instanceof Action.IndicateReceiveComplete part) {
                assertEquals(BufferType.UTF8_FRAGMENT, part.bufferType());
                text.append(StandardCharsets.UTF_8.decode(part.data()));
                server.completeAction(part, 0);
                server.receive(null);
                action = server.getAction(ActionQueue.RECEIVE);
            }
            server.returnAction(assertInstanceOf(Action.ReceiveFromNetwork.class, action));
            feed(server, read(server), Arrays.copyOfRange(whole, split, whole.length));
            text.append(chunk(server, BufferType.UTF8_MESSAGE));
            assertEquals("Hello, world", text.toString(), "split at " + split);
        }
    }

    @Test
    void controlFramesSplitAcrossAReturnArriveWhole() {
        byte[] ping = frame(0x89, "pin");
        byte[] pong = frame(0x8A, "ok");
        client.receive(null);
        feed(client, read(client), Arrays.copyOf(ping, 3));
        Action.ReceiveFromNetwork rest = read(client);
        client.returnAction(rest);
        feed(client, read(client), concat(Arrays.copyOfRange(ping, 3, ping.length), Arrays.copyOf(pong, 2)));
        Action.SendToNetwork reply = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.RECEIVE));
        assertEquals(BufferType.PONG, reply.bufferType());
        assertEquals(2 + 4 + 3, reply.totalBytes(), "a masked Pong echoing the Ping's 3 bytes (RFC 6455 §5.5.3)");
        client.completeAction(reply, reply.totalBytes());
        Action.ReceiveFromNetwork more = read(client);
        assertEquals(2, more.buffer().position(), "the Pong's header stays buffered");
        client.returnAction(more);
        feed(client, read(client), Arrays.copyOfRange(pong, 2, pong.length));
        assertEquals("ok", chunk(client, BufferType.PONG));
    }

    @Test
    void pipelinedMessagesNeedNoFurtherRead() {
        client.receive(null);
        feed(client, read(client), concat(frame(0x82, "first"), concat(frame(0x8A, ""), frame(0x81, "second"))));
        assertEquals("first", chunk(client, BufferType.BINARY_MESSAGE));
        client.receive(null);
        assertEquals("", chunk(client, BufferType.PONG));
        client.receive(null);
        assertEquals("second", chunk(client, BufferType.UTF8_MESSAGE));
        client.receive(null);
        Action.ReceiveFromNetwork idle = read(client);
        assertEquals(0, idle.buffer().position());
        client.returnAction(idle);
    }

    @Test
    void aCompressedMessageContinuesAcrossReturns() {
        HandleProperties deflate = HandleProperties.builder()
                .extensions(List.of(dev.ferry.protocol.extension.PerMessageDeflate.defaults())).build();
        WebSocketHandle peer = WebSocketHandle.create(Role.CLIENT, deflate, new java.util.Random(9));
        WebSocketHandle server = WebSocketHandle.create(Role.SERVER, deflate, new java.util.Random(10));
        List<HttpHeader> request = new ArrayList<>(List.of(new HttpHeader("Host", "example.com")));
        request.addAll(peer.beginClientHandshake(List.of(), List.of("permessage-deflate"), List.of()));
        peer.endClientHandshake(server.beginServerHandshake(null, List.of("permessage-deflate"), request));
        server.endServerHandshake();
        String text = "to be or not to be, that is the question; ".repeat(40);
        server.send(BufferType.UTF8_MESSAGE, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), null);
        ByteBuffer wire = ByteBuffer.allocate(4096);
        for (Action action = server.getAction(ActionQueue.SEND); !(action instanceof Action.NoAction);
                action = server.getAction(ActionQueue.SEND)) {
            if (action instanceof Action.SendToNetwork write) {
                write.buffers().forEach(b -> wire.put(b.duplicate()));
                server.completeAction(write, write.totalBytes());
            } else {
                server.completeAction(action, 0);
            }
        }
        wire.flip();
        StringBuilder received = new StringBuilder();
        peer.receive(null);
        while (received.length() < text.length()) {
            Action action = peer.getAction(ActionQueue.RECEIVE);
            if (action instanceof Action.ReceiveFromNetwork read) {
                peer.returnAction(read); // idle between every two pieces
                Action.ReceiveFromNetwork again = read(peer);
                int n = Math.min(7, wire.remaining());
                again.buffer().put(wire.slice(wire.position(), n));
                wire.position(wire.position() + n);
                peer.completeAction(again, n);
            } else {
                Action.IndicateReceiveComplete chunk = assertInstanceOf(Action.IndicateReceiveComplete.class, action);
                received.append(StandardCharsets.UTF_8.decode(chunk.data()));
                peer.completeAction(chunk, 0);
                if (chunk.bufferType() == BufferType.UTF8_MESSAGE) {
                    break;
                }
                peer.receive(null);
            }
        }
        assertEquals(text, received.toString());
        assertEquals(0, wire.remaining());
        peer.close();
        server.close();
    }

    @Test
    void abortAfterAReturnEndsThePendingReceive() {
        client.receive("ctx");
        client.returnAction(read(client));
        client.abort();
        Action.IndicateReceiveComplete end = assertInstanceOf(Action.IndicateReceiveComplete.class,
                client.getAction(ActionQueue.RECEIVE));
        assertEquals(BufferType.CLOSE, end.bufferType());
        assertEquals(CloseStatus.ABORTED, end.closeStatus());
        assertEquals("ctx", end.context());
        client.completeAction(end, 0);
    }

    @Test
    void completingWithZeroBytesStillMeansEndOfStream() {
        client.receive(null);
        client.returnAction(read(client));
        client.completeAction(read(client), 0);
        Action.IndicateReceiveComplete end = assertInstanceOf(Action.IndicateReceiveComplete.class,
                client.getAction(ActionQueue.RECEIVE));
        assertEquals(CloseStatus.ABORTED, end.closeStatus(), "spec §5.3: 0 bytes read = EOF, cancel");
    }
}
