package dev.ferry.jakarta;

import dev.ferry.transport.MemoryTransport;
import dev.ferry.transport.TransportListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The server end of a {@link SessionPair} driven byte by byte by the test: it writes server frames (unmasked) and
 * reads the client's frames (masked), so tests can play a peer that breaks the rules or stays silent.
 */
final class RawPeer {

    /** One frame as read: first header byte's opcode and FIN, and the unmasked payload. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        int closeCode() {
            return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    private final MemoryTransport end;
    private final Semaphore readable = new Semaphore(0);
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean eof;

    RawPeer(MemoryTransport end) {
        this.end = end;
        end.start(new TransportListener() {
            @Override
            public void onReadable() {
                readable.release();
            }

            @Override
            public void onWritable() {
            }

            @Override
            public void onTransportError(Throwable cause) {
            }
        });
    }

    /** Writes raw bytes as the server. */
    void write(int... bytes) throws IOException {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        write(raw);
    }

    /** Writes raw bytes as the server. */
    void write(byte[] raw) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        while (buffer.hasRemaining()) {
            end.write(new ByteBuffer[] {buffer});
        }
    }

    /** Ends the server's side of the connection: the client reads the end of the stream. */
    void close() {
        end.close();
    }

    /** Reads the client's next frame, waiting at most 10 s; null at the end of the stream. */
    Frame readFrame() throws IOException, InterruptedException {
        while (true) {
            Frame frame = parse();
            if (frame != null || eof) {
                return frame;
            }
            ByteBuffer chunk = ByteBuffer.allocate(4096);
            int n = end.read(chunk);
            if (n < 0) {
                eof = true;
            } else if (n > 0) {
                received.write(chunk.array(), 0, n);
            } else {
                end.demandRead();
                if (!readable.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the client sent nothing within 10 s");
                }
            }
        }
    }

    /** Whether the client closed its end after everything it sent was read. */
    boolean atEndOfStream() throws IOException, InterruptedException {
        return readFrame() == null;
    }

    private Frame parse() {
        byte[] bytes = received.toByteArray();
        if (bytes.length < 2) {
            return null;
        }
        int length = bytes[1] & 0x7F;
        int offset = 2;
        if (length == 126) {
            if (bytes.length < 4) {
                return null;
            }
            length = ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF);
            offset = 4;
        } else if (length == 127) {
            throw new AssertionError("test frames are small");
        }
        boolean masked = (bytes[1] & 0x80) != 0;
        int keyAt = offset;
        if (masked) {
            offset += 4;
        }
        if (bytes.length < offset + length) {
            return null;
        }
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (bytes[offset + i] ^ (masked ? bytes[keyAt + (i & 3)] : 0));
        }
        received.reset();
        received.write(bytes, offset + length, bytes.length - offset - length);
        return new Frame((bytes[0] & 0x80) != 0, bytes[0] & 0x0F, payload);
    }
}
