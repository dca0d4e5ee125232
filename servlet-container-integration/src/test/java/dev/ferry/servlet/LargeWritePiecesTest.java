package dev.ferry.servlet;

import dev.ferry.transport.Scheduler;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large writes on a container whose stream writes a direct buffer in one go ({@link WebConnectionTransport}, "Writing"):
 * a 1 MiB frame goes out as four direct pieces, one container write each, rather than as one byte array that the
 * container cuts into its buffer size (Jetty 12.1: 64 socket writes per MiB), including through a wrapper that
 * inherits the Servlet API's copying {@code write(ByteBuffer)} (Jetty's upgraded output).
 */
class LargeWritePiecesTest {

    /** The container's own stream: writes a ByteBuffer itself; turns not-ready after a number of writes. */
    static final class BufferOutput extends ScriptedStreams.BlockingOutput {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<Integer> bufferWrites = new ArrayList<>();
        final List<ByteBuffer> held = new ArrayList<>();
        int arrayWrites;

        @Override
        public void write(ByteBuffer buffer) {
            checkReady();
            assertTrue(buffer.isDirect(), "pieces are direct");
            bufferWrites.add(buffer.remaining());
            held.add(buffer);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes); // consumes it, as a container writing it to the socket does
            written.write(bytes, 0, bytes.length);
            accepted();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            checkReady();
            arrayWrites++;
            written.write(b, off, len);
        }

        @Override
        public void write(int b) {
            throw new AssertionError("the transport writes arrays and buffers");
        }
    }

    /** A container's wrapper around its stream that inherits the API's {@code write(ByteBuffer)}, as Jetty's does. */
    static class Wrapper extends ServletOutputStream {
        private final ServletOutputStream inner;

        Wrapper(ServletOutputStream inner) {
            this.inner = inner;
        }

        @Override
        public void write(int b) throws IOException {
            inner.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            inner.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            inner.flush();
        }

        @Override
        public boolean isReady() {
            return inner.isReady();
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            inner.setWriteListener(writeListener);
        }
    }

    /**
     * The same wrapper as another class, for a stream that does not write buffers itself: {@link DirectOutput} finds a
     * route once per class, so the two must not share one.
     */
    static final class ArrayWrapper extends Wrapper {
        ArrayWrapper(ServletOutputStream inner) {
            super(inner);
        }
    }

    /** A stream with neither (Tomcat 11's upgraded output). */
    static final class ArrayOnlyOutput extends ServletOutputStream {
        @Override
        public void write(int b) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
        }
    }

    static final class NoInput extends ServletInputStream {
        @Override
        public int read() {
            return -1;
        }

        @Override
        public boolean isFinished() {
            return false;
        }

        @Override
        public boolean isReady() {
            return false;
        }

        @Override
        public void setReadListener(ReadListener readListener) {
        }
    }

    private static WebConnectionTransport transportOver(ServletOutputStream out) throws IOException {
        ServletInputStream in = new NoInput();
        WebConnection connection = ScriptedStreams.over(in, out);
        Scheduler timers = new WebConnectionTransportTest.Timers();
        WebConnectionTransport transport = new WebConnectionTransport(connection, null, null, false, Runnable::run,
                ContainerTraits.JETTY, timers, Duration.ofSeconds(10));
        transport.start(new WebConnectionTransportTest.Recorder());
        return transport;
    }

    private static byte[] bytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] join(ByteBuffer header, byte[] payload) {
        byte[] joined = new byte[header.remaining() + payload.length];
        header.duplicate().get(joined, 0, header.remaining());
        System.arraycopy(payload, 0, joined, header.remaining(), payload.length);
        return joined;
    }

    @Test
    void aMebibyteFrameGoesOutInFourDirectPiecesThroughTheWrappedStream() throws IOException {
        BufferOutput container = new BufferOutput();
        WebConnectionTransport transport = transportOver(new Wrapper(container));
        ByteBuffer header = ByteBuffer.wrap(new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, 16, 0, 0});
        byte[] payload = bytes(1 << 20, 1);
        byte[] frame = join(header, payload);
        assertEquals(frame.length, transport.write(new ByteBuffer[] {header, ByteBuffer.wrap(payload)}));
        assertEquals(List.of(ScratchPool.PIECE, ScratchPool.PIECE, ScratchPool.PIECE, frame.length - 3 * ScratchPool.PIECE),
                container.bufferWrites, "the header and the payload fill four pieces");
        assertEquals(0, container.arrayWrites);
        assertArrayEquals(frame, container.written.toByteArray());
    }

    @Test
    void aPendingPieceStopsTheWriteWhichGoesOnWhereItStoppedOnceTheStreamIsReady() throws IOException {
        BufferOutput container = new BufferOutput();
        container.acceptBeforeBlocking = 1;
        WebConnectionTransport transport = transportOver(new Wrapper(container));
        byte[] payload = bytes(600_000, 2);
        ByteBuffer source = ByteBuffer.wrap(payload);
        assertEquals(ScratchPool.PIECE, transport.write(new ByteBuffer[] {source}), "one piece copied and taken");
        assertEquals(ScratchPool.PIECE, source.position(), "the caller's buffer is free up to there");
        assertEquals(0, transport.write(new ByteBuffer[] {source}), "nothing while the container holds the piece");
        ByteBuffer pending = container.held.get(0);
        transport.demandWrite();
        container.unblock();
        assertEquals(payload.length - ScratchPool.PIECE, transport.write(new ByteBuffer[] {source}));
        assertArrayEquals(payload, container.written.toByteArray());
        assertEquals(List.of(ScratchPool.PIECE, ScratchPool.PIECE, payload.length - 2 * ScratchPool.PIECE),
                container.bufferWrites);
        assertSame(pending, container.held.get(2), "the piece the container was done with went back to the pool");
    }

    @Test
    void theLastPieceOfAFrameGoesBackToThePoolWhenTheContainerIsDoneThoughNothingMoreIsWritten() throws IOException {
        BufferOutput container = new BufferOutput();
        WebConnectionTransport transport = transportOver(new Wrapper(container));
        container.acceptBeforeBlocking = 1;
        byte[] payload = bytes(20_000, 3);
        assertEquals(payload.length, transport.write(new ByteBuffer[] {ByteBuffer.wrap(payload)}), "copied: taken");
        ByteBuffer held = container.held.get(0);
        container.unblock(); // the container finishes the write and calls onWritePossible; the connection goes idle
        ByteBuffer next = ScratchPool.borrowPiece();
        assertSame(held, next, "the connection keeps no piece while idle");
        ScratchPool.giveBackPiece(next);
    }

    @Test
    void directWritesGoToTheStreamItselfWhenItWritesBuffersAndNowhereWhenNothingDoes() throws IOException {
        BufferOutput container = new BufferOutput();
        assertSame(container, DirectOutput.of(container, true));
        assertSame(container, DirectOutput.of(container, false), "the stream itself needs no unwrapping");
        assertSame(container, DirectOutput.of(new Wrapper(container), true));
        assertNull(DirectOutput.of(new ArrayOnlyOutput(), true));
        assertNull(DirectOutput.of(new ArrayWrapper(new ArrayOnlyOutput()), true));
        assertSame(container, DirectOutput.of(new Wrapper(container), true), "found again after others");
    }

    @Test
    void aWrapperIsNotWrittenPastOnAContainerWhoseTraitsDoNotAllowIt() {
        BufferOutput container = new BufferOutput();
        assertSame(container, DirectOutput.of(new Wrapper(container), true));
        assertNull(DirectOutput.of(new Wrapper(container), false), "the same wrapper left alone");
    }
}
