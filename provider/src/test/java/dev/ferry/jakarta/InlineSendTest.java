package dev.ferry.jakarta;

import dev.ferry.transport.SendRequest;
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
 * Blocking sends made from {@code onMessage} on the connection's own thread: the call returns before the frame is
 * written, and the application may change its buffer at once, yet the frame carries the bytes of the call. A small
 * payload is lent to the driver ({@link SendRequest#lent}), which copies the frame aside at once when nothing stands
 * before it, or has the payload copied before the call returns when something does; a large one is copied into an
 * array of {@link SendCopies}, given back once the frame is written, so an echo server allocates no copy per message.
 */
class InlineSendTest {

    private static final int MIB = 1 << 20;
    /**
     * Bytes a blocking send of 64 bytes from onMessage may allocate once warm: 152 when this was written (the request,
     * the handle's frame action and its view of the payload), 288 with a copy of the payload; the margin is for a JIT
     * that inlines less.
     */
    private static final long SEND_BOUND = 216;

    @AutoClose
    private SessionPair pair;

    /**
     * Echoes every binary message from onMessage, first sending {@code before} bytes when that is not 0, then
     * scribbles over the buffer it echoed.
     */
    private static RecordingEndpoint scribblingEcho(int before) {
        return new RecordingEndpoint(s -> {
            s.setMaxBinaryMessageBufferSize(2 * MIB);
            s.addMessageHandler(ByteBuffer.class, message -> {
                try {
                    if (before > 0) {
                        s.getBasicRemote().sendBinary(ByteBuffer.wrap(bytes(before, -1)));
                    }
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
    void smallEchoesArriveIntactThoughTheServerScribblesOverItsBufferAtOnce() throws Exception {
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, scribblingEcho(0));
        int[] sizes = {0, 1, 64, 125, 126, SendRequest.LENDABLE - 1, SendRequest.LENDABLE, SendRequest.LENDABLE + 1,
            64, 1};
        for (int i = 0; i < sizes.length; i++) {
            byte[] message = bytes(sizes[i], i);
            assertArrayEquals(message, arrayOf(echo(client, message)), "message " + i + " of " + sizes[i] + " bytes");
        }
    }

    @Test
    void aSmallEchoQueuedBehindALargeSendIsCopiedBeforeTheSendReturns() throws Exception {
        RecordingEndpoint client = collecting();
        // The pair's transport holds 64 KiB in flight: the large frame is still being written when the echo is sent.
        pair = SessionPair.create().open(client, scribblingEcho(MIB));
        for (int i = 0; i < 3; i++) {
            byte[] message = bytes(64, i);
            pair.client.getBasicRemote().sendBinary(ByteBuffer.wrap(message));
            assertArrayEquals(bytes(MIB, -1), arrayOf(client.nextMessage()), "the large message of round " + i);
            assertArrayEquals(message, arrayOf(client.nextMessage()), "the echo of round " + i);
        }
    }

    /**
     * Counted on the server's callback thread around each send, so neither the client nor the rest of the echo
     * counts: what the lent send spares, a copy of the payload (an array and its buffer, 136 bytes for 64 bytes), is
     * more than the margin {@link #SEND_BOUND} leaves over what a send allocates now.
     */
    @Test
    void aBlockingSendOf64BytesFromOnMessageAllocatesNoCopyOfThePayloadOnceWarm() throws Exception {
        assumeTrue(AllThreadsAllocation.currentThreadBytes() >= 0, "this JVM does not count bytes per thread");
        long[] sent = new long[2]; // sends counted, bytes they allocated: written by the server's handler thread only
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, new RecordingEndpoint(s -> s.addMessageHandler(ByteBuffer.class,
                message -> {
                    long before = AllThreadsAllocation.currentThreadBytes();
                    try {
                        s.getBasicRemote().sendBinary(message);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    long allocated = AllThreadsAllocation.currentThreadBytes() - before;
                    synchronized (sent) {
                        sent[0]++;
                        sent[1] += allocated;
                    }
                })));
        byte[] message = bytes(64, 7);
        for (int i = 0; i < 20_000; i++) { // warm up: classes loaded, hot paths compiled
            echo(client, message);
        }
        synchronized (sent) {
            sent[0] = 0;
            sent[1] = 0;
        }
        for (int i = 0; i < 10_000; i++) {
            assertArrayEquals(message, arrayOf(echo(client, message)));
        }
        long perSend;
        synchronized (sent) {
            perSend = sent[1] / sent[0];
        }
        assertTrue(perSend <= SEND_BOUND, "expected at most " + SEND_BOUND + " bytes allocated by a blocking send of 64"
                + " bytes from onMessage, allocated " + perSend);
    }

    @Test
    void echoesOfManySizesArriveIntactThoughTheServerReusesItsBufferAndItsCopies() throws Exception {
        RecordingEndpoint client = collecting();
        pair = SessionPair.create().open(client, scribblingEcho(0));
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
        pair = SessionPair.create().open(client, scribblingEcho(0));
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
