package dev.ferry.jakarta;

import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whole messages that arrive in many chunks ({@link Inbound}): gathered in one array sized from the frame's declared
 * length, so a large message costs one array of its own size, not a doubling series and a last copy, while the
 * message bound still holds and fragmented messages still arrive whole. The declared length buys only so much: a peer
 * that declares a long frame, sends a little of it and stalls must not make the session hold the whole bound.
 */
class MessageAssemblyTest {

    private static final int MIB = 1 << 20;

    @AutoClose
    private SessionPair pair;

    private static byte[] bytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A server that collects whole binary and text messages of up to {@code limit} bytes. */
    private static RecordingEndpoint collecting(int limit) {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> {
            s.setMaxBinaryMessageBufferSize(limit);
            s.setMaxTextMessageBufferSize(limit);
            s.addMessageHandler(ByteBuffer.class, bytes -> self[0].messages.add(bytes));
            s.addMessageHandler(String.class, text -> self[0].messages.add(text));
        });
        return self[0];
    }

    private static byte[] arrayOf(Object message) {
        ByteBuffer buffer = (ByteBuffer) message;
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Test
    void largeAndFragmentedMessagesArriveWhole() throws Exception {
        RecordingEndpoint server = collecting(2 * MIB);
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);
        for (int length : new int[] {4093, 4096, 4097, 65_536, MIB, MIB + 1}) {
            byte[] message = bytes(length, length);
            pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(message));
            Object received = server.nextMessage();
            assertArrayEquals(message, arrayOf(received), length + " bytes");
            assertEquals(0, ((ByteBuffer) received).position());
        }
        // Fragmented: the first frame's header declares only itself; the rest grows as it comes.
        byte[] whole = bytes(3 * 10_000 + 7, 3);
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(whole, 0, 10_000), false);
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(whole, 10_000, 10_000), false);
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(whole, 20_000, 10_007), true);
        assertArrayEquals(whole, arrayOf(server.nextMessage()));
        // Text over many chunks, with multi-byte characters split at chunk boundaries.
        String text = "é€😀a".repeat(40_000);
        pair.client.getBasicRemote().sendText(text);
        assertEquals(text, server.nextMessage());
        // A later small fragmented message reuses nothing the large ones handed out.
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false);
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {3}), true);
        assertArrayEquals(new byte[] {1, 2, 3}, arrayOf(server.nextMessage()));
    }

    @Test
    void aFrameDeclaredOverTheLimitStillClosesWith1009() throws Exception {
        RecordingEndpoint server = collecting(100_000);
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);
        pair.client.getAsyncRemote().sendBinary(ByteBuffer.wrap(bytes(100_001, 1)));
        CloseReason reason = server.awaitClose();
        assertEquals(1009, reason.getCloseCode().getCode());
        assertTrue(server.messages.isEmpty(), "no message delivered: " + server.messages);
    }

    @Test
    void aMebibyteMessageIsGatheredInOneArrayOfItsSize() throws Exception {
        assumeTrue(AllThreadsAllocation.bytes() >= 0, "this JVM does not count allocated bytes per thread");
        RecordingEndpoint server = collecting(2 * MIB);
        pair = SessionPair.create().open(new RecordingEndpoint(s -> { }), server);
        byte[] message = bytes(MIB, 11);
        for (int i = 0; i < 3; i++) { // warm up: classes loaded, pooled buffers made
            pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(message));
            server.nextMessage();
        }
        long before = AllThreadsAllocation.bytes();
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(message));
        Object received = server.nextMessage();
        long allocated = AllThreadsAllocation.bytes() - before;
        assertArrayEquals(message, arrayOf(received));
        // Doubling from the first chunk's 4,086 bytes (the rest of the first read after a 10-byte header) overshot to
        // 2 MiB, and copying out at the end added 1 MiB: over 5 MiB allocated for a 1 MiB message.
        assertTrue(allocated < MIB + MIB / 2, "expected the message's own array and little more, allocated "
                + allocated + " bytes for a " + MIB + "-byte message");
    }

    @Test
    void aDeclaredLongFrameBuysAtMostTheCreditAheadOfTheBytesSent() throws Exception {
        assumeTrue(AllThreadsAllocation.bytes() >= 0, "this JVM does not count allocated bytes per thread");
        RecordingEndpoint client = new RecordingEndpoint(s -> {
            s.setMaxBinaryMessageBufferSize(256 * MIB);
            s.addMessageHandler(ByteBuffer.class, bytes -> { });
        });
        pair = SessionPair.create(1 << 16);
        pair.openClient(client, SessionPair.config());
        RawPeer server = new RawPeer(pair.wires.server());
        long declared = 128L * MIB;
        byte[] start = new byte[10 + 8192];
        start[0] = (byte) 0x82; // FIN, BINARY
        start[1] = 127; // a 64-bit length follows (RFC 6455 §5.2)
        for (int i = 0; i < 8; i++) {
            start[2 + i] = (byte) (declared >>> (56 - 8 * i));
        }
        long before = AllThreadsAllocation.bytes();
        server.write(start);
        server.close(); // the stream ends after the 8 KiB; the client reads them first
        CloseReason reason = client.awaitClose();
        long allocated = AllThreadsAllocation.bytes() - before;
        assertEquals(1006, reason.getCloseCode().getCode());
        assertTrue(allocated < Inbound.AHEAD_CREDIT + MIB / 2, "a " + declared + "-byte frame of which 8 KiB came made "
                + "the session allocate " + allocated + " bytes; at most " + Inbound.AHEAD_CREDIT + " ahead expected");
    }
}
