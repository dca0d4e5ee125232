package dev.ferry.protocol;

import dev.ferry.protocol.extension.PerMessageDeflate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused calls ({@link WebSocketHandle#completeAndGetAction}, {@link WebSocketHandle#completeAndReceive}) do
 * exactly what the calls of spec §8.1 they stand for do: the same actions, contexts, bytes and violations; a
 * caller mistake changes nothing; a violation from the {@code getAction} part comes after the completion (J2).
 */
class FusedCallsTest {

    // ---- the same actions, bytes and violations as the unfused calls ---------------------------

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void aRandomConversationGoesTheSameWayFusedAndUnfused(long seed) {
        sameBothWays(HandleProperties.defaults(), seed, null);
    }

    @ParameterizedTest
    @ValueSource(longs = {6, 7})
    void smallBuffersSplitEverythingTheSameWay(long seed) {
        sameBothWays(HandleProperties.builder().receiveBufferSize(256).sendBufferSize(256).build(), seed, null);
    }

    @Test
    void throughPermessageDeflate() {
        HandleProperties deflate = HandleProperties.builder().extensions(List.of(PerMessageDeflate.defaults())).build();
        sameBothWays(deflate, 8, null);
    }

    @Test
    void aViolationInTheMiddleEndsBothRunsTheSameWay() {
        // After the conversation, the server gets an unmasked frame (RFC 6455 §5.1): 1002 in both styles.
        List<String> trace = sameBothWays(HandleProperties.defaults(), 9,
                server -> server.inbound.add(ByteBuffer.wrap(new byte[] {(byte) 0x82, 0x01, 0x07})));
        assertTrue(trace.stream().anyMatch(line -> line.startsWith("violation InvalidProtocolFormatException")),
                "the violation is in the trace");
    }

    /**
     * Runs the same seeded conversation (messages both ways, fragmented at random, pings and unsolicited pongs in
     * between, then a close handshake) once per style and compares everything each side saw and wrote.
     *
     * @return the server's trace of the fused run
     */
    private static List<String> sameBothWays(HandleProperties properties, long seed, Consumer<FusedDriver> atTheEnd) {
        Run unfused = new Run(properties, seed, FusedDriver.Style.UNFUSED, atTheEnd);
        Run fused = new Run(properties, seed, FusedDriver.Style.FUSED, atTheEnd);
        assertEquals(unfused.client.trace, fused.client.trace, "client actions");
        assertEquals(unfused.server.trace, fused.server.trace, "server actions");
        assertEquals(ByteBuffer.wrap(unfused.client.wire.toByteArray()), ByteBuffer.wrap(fused.client.wire.toByteArray()),
                "client wire bytes");
        assertEquals(ByteBuffer.wrap(unfused.server.wire.toByteArray()), ByteBuffer.wrap(fused.server.wire.toByteArray()),
                "server wire bytes");
        if (atTheEnd == null) {
            assertEquals(unfused.toServer.size(), fused.server.messages.size(), "messages the server received");
            assertEquals(unfused.toClient.size(), fused.client.messages.size(), "messages the client received");
            for (int i = 0; i < unfused.toServer.size(); i++) {
                assertEquals(ByteBuffer.wrap(unfused.toServer.get(i)), ByteBuffer.wrap(fused.server.messages.get(i)),
                        "message " + i + " to the server");
            }
            assertEquals(HandleState.CLOSED, fused.client.handle.state());
            assertEquals(HandleState.CLOSED, fused.server.handle.state());
        }
        return fused.server.trace;
    }

    /** One conversation in one style. */
    private static final class Run {
        final FusedDriver client;
        final FusedDriver server;
        final List<byte[]> toServer;
        final List<byte[]> toClient;

        Run(HandleProperties properties, long seed, FusedDriver.Style style, Consumer<FusedDriver> atTheEnd) {
            client = new FusedDriver(open(Role.CLIENT, properties, seed), style, seed + 10);
            server = new FusedDriver(open(Role.SERVER, properties, seed + 1), style, seed + 11);
            FusedDriver.connect(client, server);
            Random random = new Random(seed);
            toServer = plan(client, 150, random);
            toClient = plan(server, 100, random);
            FusedDriver.pump(client, server, 1_000_000);
            if (atTheEnd != null) {
                atTheEnd.accept(server);
            } else {
                client.plan.add(h -> h.sendClose(CloseStatus.NORMAL_CLOSURE, "bye"));
            }
            FusedDriver.pump(client, server, 1_000_000);
        }
    }

    private static WebSocketHandle open(Role role, HandleProperties properties, long seed) {
        WebSocketHandle handle = WebSocketHandle.create(role, properties, new Random(seed));
        List<String> extensions = properties.extensions().isEmpty() ? List.of() : List.of(PerMessageDeflate.NAME);
        if (role == Role.SERVER) {
            List<HttpHeader> request = new ArrayList<>(Handles.request(Handles.KEY));
            if (!extensions.isEmpty()) {
                request.add(new HttpHeader("Sec-WebSocket-Extensions", PerMessageDeflate.NAME));
            }
            handle.beginServerHandshake(null, extensions, request);
            handle.endServerHandshake();
        } else {
            List<HttpHeader> headers = handle.beginClientHandshake(List.of(), extensions, List.of());
            List<HttpHeader> response = new ArrayList<>(Handles.response(HttpHeader.values(headers,
                    "Sec-WebSocket-Key").get(0)));
            if (!extensions.isEmpty()) {
                response.add(new HttpHeader("Sec-WebSocket-Extensions", PerMessageDeflate.NAME));
            }
            handle.endClientHandshake(response);
        }
        return handle;
    }

    /** Plans {@code count} messages, some fragmented, with pings and unsolicited pongs in between. */
    private static List<byte[]> plan(FusedDriver sender, int count, Random random) {
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean text = random.nextBoolean();
            int size = switch (random.nextInt(8)) {
                case 0 -> 0;
                case 1 -> random.nextInt(20_000);
                default -> random.nextInt(200);
            };
            byte[] data = text ? "ab€𝄞 ".repeat(size / 10 + 1).substring(0, size / 2).getBytes(StandardCharsets.UTF_8)
                    : new byte[size];
            if (!text) {
                random.nextBytes(data);
            }
            int parts = random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 1;
            int offset = 0;
            for (int p = 1; p <= parts; p++) {
                int end = p == parts ? data.length : offset + random.nextInt(data.length - offset + 1);
                ByteBuffer part = ByteBuffer.wrap(data, offset, end - offset);
                BufferType type = p == parts ? (text ? BufferType.UTF8_MESSAGE : BufferType.BINARY_MESSAGE)
                        : (text ? BufferType.UTF8_FRAGMENT : BufferType.BINARY_FRAGMENT);
                String context = "m" + i + "." + p;
                sender.plan.add(h -> h.send(type, part, context));
                offset = end;
                int control = random.nextInt(6);
                if (control == 0) {
                    byte[] ping = new byte[random.nextInt(126)];
                    random.nextBytes(ping);
                    sender.plan.add(h -> h.send(BufferType.PING, ByteBuffer.wrap(ping), "ping"));
                } else if (control == 1) {
                    sender.plan.add(h -> h.send(BufferType.UNSOLICITED_PONG, ByteBuffer.wrap(new byte[] {1, 2}), "pong"));
                }
            }
            expected.add(data);
        }
        return expected;
    }

    // ---- a violation from the getAction part ------------------------------------------------------

    /** A masked frame is a violation for a client (RFC 6455 §5.1). */
    private static final byte[] MASKED_FRAME = {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 5};
    private static final byte[] HELLO = {(byte) 0x81, 0x05, 'H', 'e', 'l', 'l', 'o'};

    @Test
    void aViolationFromCompleteAndGetActionComesAfterTheCompletion() {
        WebSocketHandle client = Handles.client(HandleProperties.defaults(), 31);
        client.receive("r");
        Action.ReceiveFromNetwork read = assertInstanceOf(Action.ReceiveFromNetwork.class,
                client.getAction(ActionQueue.RECEIVE));
        read.buffer().put(read.buffer().position(), MASKED_FRAME);
        WebSocketProtocolException violation = assertThrows(WebSocketProtocolException.class,
                () -> client.completeAndGetAction(read, MASKED_FRAME.length, ActionQueue.RECEIVE));
        assertEquals(CloseStatus.PROTOCOL_ERROR.code(), violation.closeStatus().code());
        assertFailedWithCloseQueued(client, 1002);
        assertThrows(IllegalStateException.class, () -> client.completeAction(read, MASKED_FRAME.length),
                "the read was completed");
    }

    @Test
    void aViolationFromCompleteAndReceiveComesAfterTheCompletionAndTheNewReceive() {
        WebSocketHandle client = Handles.client(HandleProperties.defaults(), 32);
        client.receive("r0");
        Action.ReceiveFromNetwork read = assertInstanceOf(Action.ReceiveFromNetwork.class,
                client.getAction(ActionQueue.RECEIVE));
        ByteBuffer bytes = ByteBuffer.allocate(HELLO.length + MASKED_FRAME.length).put(HELLO).put(MASKED_FRAME).flip();
        read.buffer().put(read.buffer().position(), bytes, 0, bytes.remaining());
        Action.IndicateReceiveComplete hello = assertInstanceOf(Action.IndicateReceiveComplete.class,
                client.completeAndGetAction(read, bytes.remaining(), ActionQueue.RECEIVE));
        assertEquals(BufferType.UTF8_MESSAGE, hello.bufferType());
        assertEquals("r0", hello.context());
        assertThrows(InvalidProtocolFormatException.class, () -> client.completeAndReceive(hello, "r1"));
        assertFailedWithCloseQueued(client, 1002);
        assertThrows(IllegalStateException.class, () -> client.completeAction(hello, 0), "the chunk was completed");
        assertThrows(IllegalStateException.class, () -> client.receive("r2"), "FAILED takes no receive");
    }

    private static void assertFailedWithCloseQueued(WebSocketHandle handle, int code) {
        assertEquals(HandleState.FAILED, handle.state());
        assertSame(Action.NO_ACTION, handle.getAction(ActionQueue.RECEIVE), "the violation ended the receive");
        Action.SendToNetwork close = assertInstanceOf(Action.SendToNetwork.class, handle.getAction(ActionQueue.SEND));
        assertEquals(BufferType.CLOSE, close.bufferType());
        ByteQueue frame = new ByteQueue();
        close.buffers().forEach(b -> frame.add(b.duplicate()));
        ByteBuffer payload = ByteBuffer.wrap(Peer.payloadOf(frame.drain())); // unmasked
        assertEquals(code, payload.getShort(0) & 0xFFFF, "the failure Close's code");
        assertSame(Action.NO_ACTION, handle.completeAndGetAction(close, close.totalBytes(), ActionQueue.SEND),
                "nothing after the failure Close (J2)");
    }

    // ---- caller mistakes change nothing ---------------------------------------------------------------

    /**
     * Two server handles made alike and fed the same bytes; one of them first takes the mistake. Afterwards
     * both must hand out the same actions for the same calls, so the mistake changed nothing.
     */
    private static final class Twins {
        final WebSocketHandle a = Handles.server(HandleProperties.defaults(), 41);
        final WebSocketHandle b = Handles.server(HandleProperties.defaults(), 41);

        /** The same call on both; the actions they return must match. */
        Action[] both(java.util.function.Function<WebSocketHandle, Action> call) {
            Action[] actions = {call.apply(a), call.apply(b)};
            assertEquals(FusedDriver.describe(actions[1]), FusedDriver.describe(actions[0]));
            assertEquals(b.state(), a.state());
            return actions;
        }
    }

    /** A masked binary frame from a client, {@code payload} as its payload (mask key 0, so the bytes are plain). */
    private static byte[] clientFrame(int opcode, byte... payload) {
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) (0x80 | opcode)).put((byte) (0x80 | payload.length)).putInt(0).put(payload);
        return frame.array();
    }

    /** Queues a receive (context 1) on {@code server} and reads {@code frame} into it; returns the chunk it yields. */
    private static Action.IndicateReceiveComplete receiveOne(WebSocketHandle server, byte[] frame) {
        server.receive(1);
        Action read = server.getAction(ActionQueue.RECEIVE);
        return assertInstanceOf(Action.IndicateReceiveComplete.class, fill(server, read, frame));
    }

    private static Action fill(WebSocketHandle handle, Action read, byte[] bytes) {
        Action.ReceiveFromNetwork r = (Action.ReceiveFromNetwork) read;
        r.buffer().put(r.buffer().position(), bytes);
        return handle.completeAndGetAction(r, bytes.length, ActionQueue.RECEIVE);
    }

    @Test
    void completeAndGetActionMistakesChangeNothing() {
        Twins twins = new Twins();
        twins.a.receive(1);
        twins.b.receive(1);
        Action[] reads = twins.both(h -> h.getAction(ActionQueue.RECEIVE));
        Action.ReceiveFromNetwork read = (Action.ReceiveFromNetwork) reads[0];
        int room = read.buffer().remaining();
        assertThrows(IllegalArgumentException.class,
                () -> twins.a.completeAndGetAction(read, room + 1, ActionQueue.RECEIVE));
        assertThrows(IllegalArgumentException.class, () -> twins.a.completeAndGetAction(read, -1, ActionQueue.RECEIVE));
        assertThrows(NullPointerException.class, () -> twins.a.completeAndGetAction(read, 3, null));
        assertThrows(NullPointerException.class, () -> twins.a.completeAndGetAction(null, 3, ActionQueue.RECEIVE));
        assertThrows(IllegalStateException.class, () -> twins.a.completeAndGetAction(
                new Action.ReceiveFromNetwork(ByteBuffer.allocate(8), 1), 3, ActionQueue.RECEIVE));
        assertThrows(IllegalStateException.class, () -> twins.a.completeAndGetAction(reads[1], 3, ActionQueue.RECEIVE),
                "the twin's action is not this handle's");
        assertSame(Action.NO_ACTION, twins.a.getAction(ActionQueue.RECEIVE), "the read is still outstanding (R2)");
        assertSame(Action.NO_ACTION, twins.b.getAction(ActionQueue.RECEIVE));
        byte[] frame = clientFrame(0x2, (byte) 7, (byte) 8);
        Action chunkA = fill(twins.a, reads[0], frame);
        Action chunkB = fill(twins.b, reads[1], frame);
        assertEquals(FusedDriver.describe(chunkB), FusedDriver.describe(chunkA));
        assertEquals(BufferType.BINARY_MESSAGE, ((Action.IndicateReceiveComplete) chunkA).bufferType());
    }

    @Test
    void completeAndReceiveMistakesChangeNothing() {
        Twins twins = new Twins();
        twins.a.receive(1);
        twins.b.receive(1);
        Action[] reads = twins.both(h -> h.getAction(ActionQueue.RECEIVE));
        byte[] frames = ByteBuffer.allocate(16).put(clientFrame(0x2, (byte) 7)).put(clientFrame(0x1, (byte) 'x'))
                .flip().array();
        Action.IndicateReceiveComplete chunkA = (Action.IndicateReceiveComplete) fill(twins.a, reads[0],
                java.util.Arrays.copyOf(frames, 14));
        Action.IndicateReceiveComplete chunkB = (Action.IndicateReceiveComplete) fill(twins.b, reads[1],
                java.util.Arrays.copyOf(frames, 14));
        assertThrows(NullPointerException.class, () -> twins.a.completeAndReceive(null, 2));
        assertThrows(IllegalStateException.class, () -> twins.a.completeAndReceive(chunkB, 2), "the twin's chunk");
        assertThrows(IllegalStateException.class, () -> twins.a.completeAndReceive(
                new Action.IndicateReceiveComplete(BufferType.BINARY_MESSAGE, ByteBuffer.allocate(1), null, 1), 2));
        assertThrows(IllegalStateException.class, () -> twins.a.receive(2), "the receive is still outstanding (R3)");
        Action[] next = twins.both(h -> h.completeAndReceive(h == twins.a ? chunkA : chunkB, 2));
        Action.IndicateReceiveComplete text = assertInstanceOf(Action.IndicateReceiveComplete.class, next[0]);
        assertEquals(BufferType.UTF8_MESSAGE, text.bufferType());
        assertEquals(2, text.context(), "the buffered frame went to the new receive");
        assertThrows(IllegalStateException.class, () -> twins.a.completeAndReceive(chunkA, 3), "completed already");
    }

    @Test
    void completeAndReceiveOfThePeersCloseIsRefusedAndLeavesTheChunkToComplete() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 42);
        Action.IndicateReceiveComplete close = receiveOne(server, clientFrame(0x8, (byte) 0x03, (byte) 0xE8));
        assertEquals(BufferType.CLOSE, close.bufferType());
        assertEquals(HandleState.CLOSE_RECEIVED, server.state());
        assertThrows(IllegalStateException.class, () -> server.completeAndReceive(close, 2),
                "no receive after the peer's Close");
        assertEquals(HandleState.CLOSE_RECEIVED, server.state());
        server.completeAction(close, 0);
        assertSame(Action.NO_ACTION, server.getAction(ActionQueue.RECEIVE));
    }

    @Test
    void completeAndReceiveAfterAbortIsRefusedAndLeavesTheChunkToComplete() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 43);
        Action.IndicateReceiveComplete chunk = receiveOne(server, clientFrame(0x2, (byte) 1));
        server.abort();
        assertThrows(IllegalStateException.class, () -> server.completeAndReceive(chunk, 2));
        assertEquals(HandleState.ABORTED, server.state());
        assertSame(Action.NO_ACTION, server.completeAndGetAction(chunk, 0, ActionQueue.ALL), "drained");
    }

    @Test
    void aReadCompletedAfterAbortEndsTheReceiveWithCloseAbortedUnparsed() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 46);
        server.receive(1);
        Action read = server.getAction(ActionQueue.RECEIVE);
        server.abort();
        Action.IndicateReceiveComplete close = assertInstanceOf(Action.IndicateReceiveComplete.class,
                fill(server, read, clientFrame(0x2, (byte) 1)));
        assertEquals(BufferType.CLOSE, close.bufferType());
        assertEquals(CloseStatus.ABORTED, close.closeStatus());
        assertEquals(HandleState.ABORTED, server.state());
    }

    @Test
    void aPingReadWithAMessageIsAnsweredBeforeTheNextRead() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 47);
        byte[] message = clientFrame(0x2, (byte) 1);
        byte[] ping = clientFrame(0x9, (byte) 7);
        byte[] both = ByteBuffer.allocate(message.length + ping.length).put(message).put(ping).array();
        Action.IndicateReceiveComplete chunk = receiveOne(server, both);
        assertEquals(BufferType.BINARY_MESSAGE, chunk.bufferType());
        Action.SendToNetwork pong = assertInstanceOf(Action.SendToNetwork.class, server.completeAndReceive(chunk, 2),
                "the ping after the message is answered before a new read");
        assertEquals(BufferType.PONG, pong.bufferType());
        assertInstanceOf(Action.ReceiveFromNetwork.class,
                server.completeAndGetAction(pong, pong.totalBytes(), ActionQueue.RECEIVE));
    }

    @Test
    void afterCloseBothFusedCallsAreRefused() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 44);
        Action.IndicateReceiveComplete chunk = receiveOne(server, clientFrame(0x2, (byte) 1));
        server.close();
        assertThrows(IllegalStateException.class, () -> server.completeAndReceive(chunk, 2));
        assertThrows(IllegalStateException.class, () -> server.completeAndGetAction(chunk, 0, ActionQueue.RECEIVE));
        assertEquals(HandleState.DELETED, server.state());
    }

    @Test
    void completeAndGetActionOfNoActionIsGetAction() {
        WebSocketHandle server = Handles.server(HandleProperties.defaults(), 45);
        server.send(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(new byte[] {1}), "s");
        Action.SendToNetwork write = assertInstanceOf(Action.SendToNetwork.class,
                server.completeAndGetAction(Action.NO_ACTION, 0, ActionQueue.SEND));
        assertEquals("s", write.context());
        Action.IndicateSendComplete sent = assertInstanceOf(Action.IndicateSendComplete.class,
                server.completeAndGetAction(write, write.totalBytes(), ActionQueue.ALL));
        assertEquals("s", sent.context());
        assertSame(Action.NO_ACTION, server.completeAndGetAction(sent, 0, ActionQueue.SEND));
    }
}
