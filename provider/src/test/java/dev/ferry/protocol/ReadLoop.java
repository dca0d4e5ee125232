package dev.ferry.protocol;

import dev.ferry.protocol.frame.FrameGenerator;
import dev.ferry.protocol.frame.Masking;
import dev.ferry.protocol.frame.Opcode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A receive loop over the fused calls, as a driver runs it, fed from one array of wire bytes read by read: it records
 * every chunk and write. With helpers that build frames.
 */
final class ReadLoop {

    final WebSocketHandle handle;
    final ByteBuffer wire;
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    final List<String> chunks = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    Action next;

    ReadLoop(WebSocketHandle handle, byte[] wire) {
        this.handle = handle;
        this.wire = ByteBuffer.wrap(wire);
        handle.receive(null);
        next = handle.getAction(ActionQueue.RECEIVE);
    }

    /** One read of at most {@code size} bytes (0: end of stream), then every action up to the next read. */
    void read(int size) {
        Action.ReceiveFromNetwork read = assertInstanceOf(Action.ReceiveFromNetwork.class, next);
        int count = Math.min(size, Math.min(read.buffer().remaining(), wire.remaining()));
        read.buffer().put(read.buffer().position(), wire, wire.position(), count);
        wire.position(wire.position() + count);
        next = handle.completeAndGetAction(read, count, ActionQueue.RECEIVE);
        while (true) {
            if (next instanceof Action.IndicateReceiveComplete chunk) {
                String line = chunk.bufferType() + " " + chunk.data().remaining();
                chunks.add(line);
                events.add(line);
                if (chunk.bufferType() == BufferType.CLOSE) {
                    handle.completeAction(chunk, 0);
                    next = null;
                    return;
                }
                if (chunk.bufferType() != BufferType.PONG) {
                    byte[] copy = new byte[chunk.data().remaining()];
                    chunk.data().duplicate().get(copy);
                    data.writeBytes(copy);
                }
                next = handle.completeAndReceive(chunk, null);
            } else if (next instanceof Action.SendToNetwork write) {
                events.add("write " + write.bufferType());
                next = handle.completeAndGetAction(write, write.totalBytes(), ActionQueue.RECEIVE);
            } else {
                return;
            }
        }
    }

    /** Reads of {@code size} bytes until the wire is used up. */
    void readAll(int size) {
        while (wire.hasRemaining()) {
            read(size);
        }
        assertInstanceOf(Action.ReceiveFromNetwork.class, next, "everything handed out, the next read waits");
    }

    List<String> types() {
        return chunks.stream().map(line -> line.substring(0, line.indexOf(' '))).toList();
    }

    // ---- frames ----------------------------------------------------------------------------------------------------

    /** One frame; masked with a fixed key when {@code masked} (a client's frame). */
    static byte[] frame(boolean fin, Opcode opcode, boolean masked, byte[] payload) {
        int key = 0x1234ABCD;
        ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
        FrameGenerator.writeHeader(frame, fin, 0, opcode, masked, key, payload.length);
        int start = frame.position();
        Masking.maskInto(ByteBuffer.wrap(payload), 0, frame, start, payload.length, masked ? key : 0, 0);
        frame.position(start + payload.length).flip();
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
