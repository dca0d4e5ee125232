package dev.ferry.benchmarks;

import dev.ferry.protocol.Role;
import dev.ferry.protocol.frame.FrameParser;
import dev.ferry.protocol.frame.Masking;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.internal.Parser;
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
 * Frame parsing: {@value #FRAMES} whole BINARY frames, back to back in one heap buffer, turned into headers
 * and unmasked payloads. One operation is one frame.
 *
 * <p>Ferry: {@link FrameParser#parse} reads a header by absolute index into fields, then {@link Masking}
 * unmasks the payload in place; nothing is allocated. Jetty: {@code Parser.parse} as its
 * {@code WebSocketConnection} calls it, which returns a {@code Frame.Parsed} per frame (a slice of the
 * buffer, unmasked in place by its constructor). Each side parses its own copy of the same bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameParseBenchmark {

    static final int FRAMES = 16;

    @Param({"64", "65536"})
    public int size;

    @Param({"false", "true"})
    public boolean masked;

    private ByteBuffer ferryWire;
    private ByteBuffer jettyWire;
    private FrameParser ferryParser;
    private Parser jettyParser;

    @Setup
    public void setUp() {
        byte[] payload = Inputs.payload(size, 1);
        ferryWire = Inputs.frames(payload, masked, FRAMES);
        jettyWire = Inputs.frames(payload, masked, FRAMES);
        // A server reads masked frames, a client unmasked ones (RFC 6455 §5.1).
        ferryParser = new FrameParser(masked ? Role.SERVER : Role.CLIENT, false);
        jettyParser = new Parser(new ArrayByteBufferPool(), new Configuration.ConfigurationCustomizer());
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long ferry() {
        ByteBuffer wire = ferryWire;
        FrameParser parser = ferryParser;
        int position = 0;
        int end = wire.limit();
        long checksum = 0;
        while (position < end) {
            int headerLength = parser.parse(wire, position, end);
            if (headerLength == 0) {
                throw new IllegalStateException("expected whole frames, got a partial header at " + position);
            }
            position += headerLength;
            int length = (int) parser.payloadLength();
            if (parser.masked()) {
                Masking.maskInPlace(wire, position, position + length, parser.maskKey(), 0);
            }
            checksum += length + parser.opcode().code() + wire.get(position);
            position += length;
        }
        return checksum;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long jetty() {
        ByteBuffer wire = jettyWire;
        wire.position(0);
        long checksum = 0;
        Frame frame;
        while ((frame = jettyParser.parse(wire)) != null) {
            ByteBuffer payload = frame.getPayload();
            checksum += frame.getPayloadLength() + frame.getOpCode() + payload.get(payload.position());
        }
        return checksum;
    }
}
