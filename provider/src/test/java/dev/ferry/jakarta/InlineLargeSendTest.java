package dev.ferry.jakarta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Large blocking sends made from {@code onMessage} on the connection's own thread: the session copies the payload
 * (the call returns before the frame is written, and the application may reuse its buffer at once), into an array of
 * {@link SendCopies} given back once the frame is written, so an echo server does not allocate a copy per message.
 */
class InlineLargeSendTest {

    private static final int MIB = 1 << 20;

    @AutoClose
    private SessionPair pair;

    /** Echoes every binary message from onMessage, then scribbles over the buffer it was handed. */
    private static RecordingEndpoint scribblingEcho() {
        return new RecordingEndpoint(s -> {
            s.setMaxBinaryMessageBufferSize(2 * MIB);
            s.addMessageHandler(ByteBuffer.class, message -> {
                try {
                    s.getBasicRemote().sendBinary(message);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Arrays.fill(message.array(), message.arrayOffset(), message.arrayOffset() + message.limit(), (byte) 0);
            });
        });
    }

    private static RecordingEndpoint collecting() {
        RecordingEndpoint[] self = new RecordingEndpoint[1];
        self[0] = new RecordingEndpoint(s -> {
            s.setMaxBinaryMessageBufferSize(2 * MIB);
            s.addMessageHandler(ByteBuffer.class, bytes -> self[0].messages.add(bytes));
        });
        return self[0];
    }

    private static byte[] bytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] arrayOf(Object message) {
        ByteBuffer buffer = (ByteBuffer) message;
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private Object echo(RecordingEndpoint client, byte[] message) throws Exception {
        pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(message));
        return client.nextMessage();
    }

    @Test
    void echoesOfManySizesArriveIntactThoughTheServerReusesItsBufferAndItsCopies() throws Exception {
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, scribblingEcho());
        // Sizes that share shelves and sizes that do not, large after small and back, so arrays are reused.
        int[] sizes = {MIB, 100_000, SendCopies.SMALLEST, SendCopies.SMALLEST - 1, MIB, 70_000, 2 * MIB, MIB / 2 + 1,
            MIB};
        for (int i = 0; i < sizes.length; i++) {
            byte[] message = bytes(sizes[i], i);
            assertArrayEquals(message, arrayOf(echo(client, message)), "message " + i + " of " + sizes[i] + " bytes");
        }
    }

    @Test
    void aMebibyteEchoAllocatesNoCopyOnceWarm() throws Exception {
        assumeTrue(AllThreadsAllocation.bytes() >= 0, "this JVM does not count allocated bytes per thread");
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, scribblingEcho());
        byte[] message = bytes(MIB, 5);
        for (int i = 0; i < 3; i++) { // warm up: classes loaded, a copy array made and given back
            echo(client, message);
        }
        long before = AllThreadsAllocation.bytes();
        Object echoed = echo(client, message);
        long allocated = AllThreadsAllocation.bytes() - before;
        assertArrayEquals(message, arrayOf(echoed));
        // The server's message and the client's echo are 1 MiB each; a fresh copy per send made it 3 MiB.
        assertTrue(allocated < 2 * MIB + MIB / 2, "expected no copy allocated by the server's send, allocated "
                + allocated + " bytes for one echo of " + MIB + " bytes");
    }
}
