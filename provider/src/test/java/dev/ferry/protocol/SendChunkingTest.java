package dev.ferry.protocol;

import dev.ferry.protocol.frame.FrameParser;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * J13 and J15: a client masks its payload into one pooled buffer of {@code sendBufferSize} bytes, so a frame
 * bigger than that goes out as several {@code SEND_TO_NETWORK} actions ([header, chunk], then [chunk]...)
 * that hold the wire between them; {@code sendBufferSize} bounds only that chunking, never the frame, and a
 * server's frame is always one action with a read-only view of the caller's payload.
 */
class SendChunkingTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final HandleProperties SMALL_SEND = HandleProperties.builder().sendBufferSize(4096).build();

    private static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Drives one send to its completion; every SEND_TO_NETWORK's buffers are recorded, then written whole. */
    private static List<List<ByteBuffer>> sendAll(WebSocketHandle handle, BufferType type, byte[] payload, ByteQueue wire) {
        handle.send(type, ByteBuffer.wrap(payload), "ctx");
        List<List<ByteBuffer>> actions = new ArrayList<>();
        while (true) {
            Action action = handle.getAction(ActionQueue.SEND);
            if (action instanceof Action.SendToNetwork s) {
                List<ByteBuffer> copies = new ArrayList<>();
                for (ByteBuffer b : s.buffers()) {
                    copies.add(ByteBuffer.wrap(bytes(b)));
                    assertTrue(b.isReadOnly(), "J12: every buffer handed out for writing is read-only");
                    assertEquals(0, b.position(), "buffers start at position 0 (Action.SendToNetwork#totalBytes)");
                    wire.add(b);
                }
                actions.add(copies);
                handle.completeAction(s, s.totalBytes());
            } else if (action instanceof Action.IndicateSendComplete c) {
                assertEquals("ctx", c.context());
                handle.completeAction(c, 0);
                assertSame(Action.NO_ACTION, handle.getAction(ActionQueue.ALL));
                return actions;
            } else {
                throw new AssertionError("expected SEND_TO_NETWORK or INDICATE_SEND_COMPLETE, got " + action);
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void aOneMebibyteClientMessageGoesOutMaskedThroughAFourKibibyteSendBuffer() {
        byte[] message = payload(1 << 20, 5);
        ByteQueue wire = new ByteQueue();
        List<List<ByteBuffer>> actions = sendAll(Handles.client(SMALL_SEND, 9), BufferType.BINARY_MESSAGE, message, wire);

        assertEquals((1 << 20) / 4096, actions.size(), "one action per 4096 masked bytes");
        assertEquals(2, actions.get(0).size(), "the first action is [header, first chunk]");
        assertEquals(14, actions.get(0).get(0).remaining(), "2 + 8 length bytes + 4 key bytes (RFC 6455 §5.2)");
        for (List<ByteBuffer> action : actions.subList(1, actions.size())) {
            assertEquals(1, action.size(), "later actions carry one chunk each");
        }
        for (List<ByteBuffer> action : actions) {
            assertEquals(4096, action.get(action.size() - 1).remaining(), "no chunk is bigger than sendBufferSize");
        }

        byte[] frame = wire.drain();
        FrameParser parser = new FrameParser(Role.SERVER, false);
        assertEquals(14, parser.parse(ByteBuffer.wrap(frame), 0, frame.length));
        assertTrue(parser.fin());
        assertTrue(parser.masked());
        assertEquals(1 << 20, parser.payloadLength(), "one frame: sendBufferSize bounds chunks, not frames (J13)");
        assertFalse(Arrays.equals(message, Arrays.copyOfRange(frame, 14, frame.length)), "the payload is masked");
        assertArrayEquals(message, Peer.payloadOf(frame));
    }

    @Test
    void theChunkedFrameIsWhatAServerHandleReceives() {
        HandlePair pair = new HandlePair(HandleProperties.builder().sendBufferSize(256).build(),
                HandleProperties.defaults(), 17);
        byte[] big = payload(100_000, 6);
        byte[] small = payload(255, 7);
        pair.server.autoReceive();
        pair.client.then(h -> h.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(big), "big"))
                .then(h -> h.send(BufferType.BINARY_FRAGMENT, ByteBuffer.wrap(small), "part"))
                .then(h -> h.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(big), "end"));
        pair.pump();
        pair.client.recorder.expectSent(BufferType.BINARY_MESSAGE, "big");
        pair.client.recorder.expectSent(BufferType.BINARY_FRAGMENT, "part");
        pair.client.recorder.expectSent(BufferType.BINARY_MESSAGE, "end");
        byte[] second = new byte[small.length + big.length];
        System.arraycopy(small, 0, second, 0, small.length);
        System.arraycopy(big, 0, second, small.length, big.length);
        pair.server.recorder.expectMessage(BufferType.BINARY_MESSAGE, big);
        pair.server.recorder.expectMessage(BufferType.BINARY_MESSAGE, second);
        pair.assertExhausted();
    }

    @Test
    void aFrameOfExactlySendBufferSizeIsOneActionAndOneMoreByteIsTwo() {
        assertEquals(1, sendAll(Handles.client(SMALL_SEND, 1), BufferType.BINARY_MESSAGE, payload(4096, 1),
                new ByteQueue()).size());
        assertEquals(2, sendAll(Handles.client(SMALL_SEND, 1), BufferType.BINARY_MESSAGE, payload(4097, 1),
                new ByteQueue()).size());
    }

    @Test
    void aServerFrameIsOneActionWhateverTheSendBufferSize() {
        HandleProperties smallest = HandleProperties.builder().sendBufferSize(HandleProperties.MIN_BUFFER_SIZE).build();
        byte[] message = payload(1 << 20, 8);
        ByteQueue wire = new ByteQueue();
        List<List<ByteBuffer>> actions = sendAll(Handles.server(smallest, 1), BufferType.BINARY_MESSAGE, message, wire);
        assertEquals(1, actions.size());
        assertEquals(2, actions.get(0).size());
        byte[] frame = wire.drain();
        assertArrayEquals(message, Arrays.copyOfRange(frame, 10, frame.length), "unmasked, as given");
    }

    @Test
    void noPongGoesBetweenTwoChunksOfAFrame() {
        WebSocketHandle client = Handles.client(HandleProperties.builder().sendBufferSize(256).build(), 3);
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(payload(600, 2)), "s");
        Action.SendToNetwork first = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        client.completeAction(first, first.totalBytes());

        client.receive("r");
        Action.ReceiveFromNetwork read = assertInstanceOf(Action.ReceiveFromNetwork.class,
                client.getAction(ActionQueue.RECEIVE));
        byte[] ping = HEX.parseHex("890150");
        read.buffer().put(ping);
        client.completeAction(read, ping.length);
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE),
                "R5: the pong waits while the frame is partly written");

        int chunks = 1;
        while (true) {
            Action next = client.getAction(ActionQueue.SEND);
            if (next instanceof Action.SendToNetwork s) {
                assertSame(Action.NO_ACTION, client.getAction(ActionQueue.RECEIVE), "R2 and R5");
                client.completeAction(s, s.totalBytes());
                chunks++;
                continue;
            }
            assertInstanceOf(Action.IndicateSendComplete.class, next);
            break;
        }
        assertEquals(3, chunks, "600 bytes through 256");
        Action.SendToNetwork pong = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.RECEIVE));
        assertEquals(BufferType.PONG, pong.bufferType());
    }

    @Test
    void aShortWriteOfAChunkEndsTheSend() {
        WebSocketHandle client = Handles.client(HandleProperties.builder().sendBufferSize(256).build(), 3);
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(payload(1000, 2)), "s");
        Action.SendToNetwork first = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        client.completeAction(first, first.totalBytes());
        Action.SendToNetwork second = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        assertThrows(IllegalArgumentException.class, () -> client.completeAction(second, 257),
                "a chunk's count is bounded by that chunk");
        client.completeAction(second, 100);
        assertInstanceOf(Action.IndicateSendComplete.class, client.getAction(ActionQueue.SEND),
                "spec §5.1: a short write cancels the send");
    }

    @Test
    void abortDropsTheRestOfAPartlyWrittenFrame() {
        WebSocketHandle client = Handles.client(HandleProperties.builder().sendBufferSize(256).build(), 3);
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(payload(1000, 2)), "s");
        Action.SendToNetwork first = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        client.completeAction(first, first.totalBytes());
        client.abort();
        Action.IndicateSendComplete done = assertInstanceOf(Action.IndicateSendComplete.class,
                client.getAction(ActionQueue.SEND));
        client.completeAction(done, 0);
        assertSame(Action.NO_ACTION, client.getAction(ActionQueue.SEND));
    }

    @Test
    void aFailureFinishesThePartlyWrittenFrameThenSendsItsClose() {
        WebSocketHandle client = Handles.client(HandleProperties.builder().sendBufferSize(256).build(), 3);
        byte[] message = payload(1000, 2);
        client.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(message), "s");
        ByteQueue wire = new ByteQueue();
        Action.SendToNetwork first = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        first.buffers().forEach(b -> wire.add(b.duplicate()));
        client.completeAction(first, first.totalBytes());

        client.receive("r");
        Action.ReceiveFromNetwork read = assertInstanceOf(Action.ReceiveFromNetwork.class,
                client.getAction(ActionQueue.RECEIVE));
        byte[] reservedOpcode = HEX.parseHex("8300");
        read.buffer().put(reservedOpcode);
        client.completeAction(read, reservedOpcode.length);
        assertThrows(WebSocketProtocolException.class, () -> client.getAction(ActionQueue.RECEIVE));
        assertEquals(HandleState.FAILED, client.state());

        int chunks = 1;
        Action next;
        while ((next = client.getAction(ActionQueue.SEND)) instanceof Action.SendToNetwork s) {
            s.buffers().forEach(b -> wire.add(b.duplicate()));
            client.completeAction(s, s.totalBytes());
            chunks++;
        }
        assertEquals(4, chunks, "the frame is finished so the stream stays parseable");
        client.completeAction(assertInstanceOf(Action.IndicateSendComplete.class, next), 0);
        Action.SendToNetwork close = assertInstanceOf(Action.SendToNetwork.class, client.getAction(ActionQueue.SEND));
        assertEquals(BufferType.CLOSE, close.bufferType());
        close.buffers().forEach(b -> wire.add(b.duplicate()));
        client.completeAction(close, close.totalBytes());

        byte[] bytes = wire.drain();
        FrameParser parser = new FrameParser(Role.SERVER, false);
        int header = parser.parse(ByteBuffer.wrap(bytes), 0, bytes.length);
        int frameEnd = header + message.length;
        assertArrayEquals(message, Peer.payloadOf(Arrays.copyOf(bytes, frameEnd)));
        byte[] closeFrame = Arrays.copyOfRange(bytes, frameEnd, bytes.length);
        assertEquals(0x88, closeFrame[0] & 0xFF);
        assertEquals(1002, ByteBuffer.wrap(Peer.payloadOf(closeFrame)).getShort() & 0xFFFF);
    }

    @Test
    void sendBufferSizeDefaultsTo4096ForBothRolesAndKeepsItsRange() {
        assertEquals(4096, HandleProperties.defaults().sendBufferSize());
        assertEquals(4096, WebSocketHandle.getGlobalProperties().defaultSendBufferSize(), "J15: not 16 for servers");
        assertEquals(256, WebSocketHandle.getGlobalProperties().minBufferSize());
        assertEquals(1 << 20, WebSocketHandle.getGlobalProperties().maxBufferSize());
        assertEquals(1, sendAll(Handles.client(HandleProperties.defaults(), 1), BufferType.BINARY_MESSAGE,
                payload(4096, 3), new ByteQueue()).size(), "a client's default send buffer takes 4096 payload bytes");
        assertThrows(IllegalArgumentException.class, () -> HandleProperties.builder().sendBufferSize(255).build());
        assertThrows(IllegalArgumentException.class,
                () -> HandleProperties.builder().sendBufferSize((1 << 20) + 1).build());
        HandleProperties largest = HandleProperties.builder().sendBufferSize(1 << 20).build();
        assertEquals(1, sendAll(Handles.client(largest, 1), BufferType.BINARY_MESSAGE, payload(1 << 20, 3),
                new ByteQueue()).size());
    }
}
