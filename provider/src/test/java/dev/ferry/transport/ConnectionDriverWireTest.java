package dev.ferry.transport;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wire both pipelines share (R5): a pipeline that found nothing to do because the other held the wire gets its
 * turn when that write completes, though no call was made on it meanwhile (the driver skips polling a pipeline that
 * found nothing until a call may have given it work). A server driver over a {@link MemoryTransport} too small for
 * one of its messages, so the message is written in several turns; every callback runs on the test's thread.
 */
class ConnectionDriverWireTest {

    private static final int PIPE = 1024;

    private final Queue<Runnable> callbacks = new ArrayDeque<>();
    private final Executor executor = callbacks::add;
    private final MemoryTransport client;
    private final ConnectionDriver driver;
    private final List<String> completed = new ArrayList<>();

    ConnectionDriverWireTest() {
        MemoryTransport.Pair pair = MemoryTransport.pair(executor, PIPE);
        client = pair.client();
        driver = new ConnectionDriver(ServerHandles.open(), pair.server(), new ManualScheduler(),
                new ConnectionDriver.Listener() {
                    @Override
                    public boolean onReceive(BufferType type, ByteBuffer data) {
                        return true;
                    }

                    @Override
                    public void onPeerClose(CloseStatus status) {
                        driver.close(ConnectionDriver.echo(status));
                    }

                    @Override
                    public void onClosed(CloseStatus status, Throwable failure) {
                    }
                }, ConnectionDriver.Settings.defaults());
        driver.start();
        driver.resumeReceiving();
        runCallbacks();
    }

    @Test
    void aPongWaitingForTheWireGoesOnceTheMessageHoldingItIsWritten() throws IOException {
        String big = "x".repeat(3 * PIPE);
        send(big);
        send("after");
        runCallbacks();
        peerWrites(ServerHandles.maskedPing("are you there"));
        List<String> frames = new ArrayList<>();
        for (int turn = 0; turn < 20 && frames.size() < 3; turn++) {
            frames.addAll(peerReads()); // each read makes room: the driver goes on writing
            runCallbacks();
        }
        assertEquals(3, frames.size(), "the message, the pong and the next message, all written: " + frames);
        assertEquals("1 " + big.length() + " x", frames.get(0), "nothing goes between the parts of a frame");
        assertTrue(frames.subList(1, 3).containsAll(List.of("10 are you there", "1 after")),
                "the pong and the queued message follow it: " + frames.subList(1, 3));
        assertEquals(List.of(big.length() + " bytes", "5 bytes"), completed);
    }

    private void send(String text) {
        ByteBuffer payload = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        try {
            driver.send(SendRequest.of(BufferType.UTF8_MESSAGE, payload, failure -> {
                assertEquals(null, failure);
                completed.add(text.length() + " bytes");
            }), 0);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void peerWrites(byte[] frame) throws IOException {
        assertEquals(frame.length, client.write(new ByteBuffer[] {ByteBuffer.wrap(frame)}));
        runCallbacks();
    }

    private final ByteBuffer received = ByteBuffer.allocate(1 << 16);

    /**
     * The whole server frames the peer can read now, as "opcode payload" ("opcode length x" for a long run of x), from
     * unmasked frames with 7- or 16-bit lengths.
     */
    private List<String> peerReads() throws IOException {
        client.read(received);
        received.flip();
        List<String> frames = new ArrayList<>();
        while (received.remaining() >= 2) {
            int start = received.position();
            int opcode = received.get() & 0x0f;
            int length = received.get() & 0x7f;
            if (length == 126) {
                if (received.remaining() < 2) {
                    received.position(start);
                    break;
                }
                length = received.getShort() & 0xffff;
            }
            if (received.remaining() < length) {
                received.position(start);
                break;
            }
            byte[] payload = new byte[length];
            received.get(payload);
            String text = new String(payload, StandardCharsets.UTF_8);
            frames.add(opcode + " " + (length > 40 && text.equals("x".repeat(length)) ? length + " x" : text));
        }
        received.compact();
        return frames;
    }

    private void runCallbacks() {
        for (Runnable callback; (callback = callbacks.poll()) != null; ) {
            callback.run();
        }
    }
}
