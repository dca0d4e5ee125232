package dev.ferry.benchmarks;

import dev.ferry.protocol.frame.FrameGenerator;
import dev.ferry.protocol.frame.FrameHeader;
import dev.ferry.protocol.frame.Masking;
import dev.ferry.protocol.frame.Opcode;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.internal.Generator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Frame generation: the wire form of {@value #FRAMES} final BINARY frames of one payload. One operation is
 * one frame.
 *
 * <p>Both sides do what their send path does with a frame that is not batched: the header goes into a
 * small header buffer; an unmasked payload goes to the wire as it is (no copy); a masked payload is masked
 * into an output buffer. Ferry: {@link FrameGenerator#writeHeader} and {@link Masking#maskInto}. Jetty:
 * {@code Generator.generateHeader} and {@code generatePayload}, the calls its {@code FrameFlusher} makes,
 * on a {@code Frame} built per frame as its API requires. The mask key is fixed on both sides, so key
 * generation is not measured here (the message benchmarks include it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameGenerateBenchmark {

    static final int FRAMES = 16;

    @Param({"64", "65536"})
    public int size;

    @Param({"false", "true"})
    public boolean masked;

    private ByteBuffer payload;
    private ByteBuffer header;
    private ByteBuffer maskedOut;
    private byte[] maskBytes;
    private Generator jettyGenerator;

    @Setup
    public void setUp() {
        payload = ByteBuffer.wrap(Inputs.payload(size, 2));
        header = ByteBuffer.allocate(Generator.MAX_HEADER_LENGTH);
        maskedOut = ByteBuffer.allocate(size);
        maskBytes = Inputs.maskBytes();
        jettyGenerator = new Generator();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long ferry() {
        long checksum = 0;
        int length = payload.remaining();
        for (int i = 0; i < FRAMES; i++) {
            header.clear();
            int key = masked ? Inputs.MASK_KEY : 0;
            FrameGenerator.writeHeader(header, true, 0, Opcode.BINARY, masked, key, length);
            if (masked) {
                Masking.maskInto(payload, payload.position(), maskedOut, 0, length, key, 0);
                checksum += maskedOut.get(length - 1);
            }
            checksum += header.position();
        }
        return checksum;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long jetty() {
        long checksum = 0;
        for (int i = 0; i < FRAMES; i++) {
            Frame frame = new Frame(OpCode.BINARY, true, payload);
            header.clear().flip(); // Jetty's buffers are in flush mode: empty means limit 0
            if (masked) {
                frame.setMask(maskBytes);
            }
            jettyGenerator.generateHeader(frame, header);
            if (masked) {
                maskedOut.clear().flip();
                jettyGenerator.generatePayload(frame, maskedOut);
                payload.position(0); // generatePayload consumed the frame's payload
                checksum += maskedOut.get(maskedOut.limit() - 1);
            }
            checksum += header.remaining();
        }
        return checksum;
    }

    /** The header length both sides must produce (for the smoke test). */
    int expectedHeaderLength() {
        return FrameHeader.lengthOf(masked, size);
    }
}
