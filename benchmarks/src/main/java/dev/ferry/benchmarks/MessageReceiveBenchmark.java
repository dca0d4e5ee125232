package dev.ferry.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;

/**
 * One whole binary message through the receive path, from bytes "read from the socket" to the last chunk
 * handed to the application. The bytes are what the peer's Ferry handle sends: masked when this side is
 * the server, unmasked when it is the client, compressed with permessage-deflate when negotiated. Both
 * sides read them through a 4096-byte buffer, so a 64 KiB message arrives in 17 reads. Ferry: the driver
 * loop with the handle's fused calls ({@link FerryHandles#receiveMessage}: {@code completeAndGetAction} per
 * read, {@code completeAndReceive} per chunk, which queues the next receive, so a small message is two locked
 * calls); {@code ferryUnfused} is the same loop with the calls of spec §8.1 only ({@code receive}, then
 * {@code getAction}/{@code completeAction} until {@code BINARY_MESSAGE}, one {@code receive} per chunk: five
 * locked calls), kept to show the difference in one run. Jetty: {@link JettyPipeline#receive}. One operation is
 * one message.
 *
 * <p>The "socket read" is a copy of the wire bytes into each side's read buffer, and what copying 4 KiB costs
 * depends on where source and destination sit relative to each other. Measured on the issue 2 machine (best of
 * five, ns per 4 KiB): 23.5 when they start at the same offset in a 64-byte cache line, 30.5 to 32 otherwise; and,
 * by their distance modulo 4096 (a load that seems to hit a store still in flight waits for it), 28.7 to 37.2.
 * Heap arrays land at addresses a fork does not choose, so with one copy of the wire each fork drew one case per
 * side: single forks of the 64 KiB case moved between 0.8 M and 1.65 M messages per second, and the Ferry / Jetty
 * ratio with them. So each side cycles through {@value #ALIGNMENTS} copies of the same bytes in one array
 * ({@link AlignedCopies}), at offsets 520 bytes apart: one per 8-byte offset in a cache line, and spread over a
 * 4 KiB page. Every side meets the same spread of relative positions, as reads from a socket do, and what tells the
 * sides apart is no longer the addresses a fork drew.
 */
public class MessageReceiveBenchmark extends MessageBenchmark {

    /** How many copies of the wire bytes each side cycles through (a power of two: 64 / 8 offsets in a line). */
    static final int ALIGNMENTS = 8;

    private AlignedCopies ferryWire;
    private AlignedCopies jettyWire;
    private AlignedCopies unlockedWire;
    private AlignedCopies unfusedWire;
    private FerryHandles.Receiver ferry;
    private FerryHandles.Receiver ferryUnlocked;
    private FerryHandles.Side ferryUnfused;
    private JettyPipeline jetty;

    @Setup
    @Override
    public void setUp() {
        FerryHandles.Pair pair = FerryHandles.open(deflate);
        ferry = new FerryHandles.Receiver(pair.get(server()));
        // The first message of a connection: with context takeover it refers to no earlier message, so the
        // same bytes can be received again and again.
        ByteBuffer wire = FerryHandles.wireOf(pair.get(!server()), Inputs.payload(size, 4));
        pair.get(!server()).close();
        byte[] copies = AlignedCopies.backing(wire);
        ferryWire = new AlignedCopies(copies, wire.remaining());
        jettyWire = new AlignedCopies(copies, wire.remaining());
        unlockedWire = new AlignedCopies(copies, wire.remaining());
        unfusedWire = new AlignedCopies(copies, wire.remaining());
        ferryUnlocked = new FerryHandles.Receiver(FerryHandles.openUnlocked(deflate).get(server()));
        ferryUnfused = FerryHandles.open(deflate).get(server());
        jetty = new JettyPipeline(!server(), deflate);
    }

    @TearDown
    @Override
    public void tearDown() {
        ferry.handle().close();
        ferryUnlocked.handle().close();
        ferryUnfused.close();
        jetty.stop();
    }

    @Benchmark
    @Override
    public long ferry() {
        return FerryHandles.receiveMessage(ferry, ferryWire.next());
    }

    /** Diagnostic: the same loop on the handle's engine, without the handle's lock (spec J9). */
    @Benchmark
    @Override
    public long ferryUnlocked() {
        return FerryHandles.receiveMessage(ferryUnlocked, unlockedWire.next());
    }

    /** Diagnostic: the loop with the calls of spec §8.1 only, as before the fused calls (five per small message). */
    @Benchmark
    @Override
    public long ferryUnfused() {
        return FerryHandles.receiveMessageUnfused(ferryUnfused, unfusedWire.next());
    }

    @Benchmark
    @Override
    public long jetty() {
        return jetty.receive(jettyWire.next());
    }

    /**
     * {@value #ALIGNMENTS} copies of one message's wire bytes in one array, handed out in turn. Copy {@code i}
     * starts at {@code i * stride}, where the stride is a multiple of 4096 plus 520: so the copies start 8 bytes
     * further into a 64-byte cache line each, and 520 bytes further into a 4 KiB page. Every side gets its own
     * instance over the same array: all sides read the same bytes from the same addresses.
     */
    static final class AlignedCopies {
        private final ByteBuffer[] copies = new ByteBuffer[ALIGNMENTS];
        private int next;

        AlignedCopies(byte[] backing, int length) {
            int stride = stride(length);
            for (int i = 0; i < ALIGNMENTS; i++) {
                copies[i] = ByteBuffer.wrap(backing, i * stride, length).slice();
            }
        }

        /** The array holding the copies of {@code wire}'s remaining bytes. */
        static byte[] backing(ByteBuffer wire) {
            int length = wire.remaining();
            int stride = stride(length);
            byte[] backing = new byte[stride * ALIGNMENTS];
            for (int i = 0; i < ALIGNMENTS; i++) {
                wire.duplicate().get(backing, i * stride, length);
            }
            return backing;
        }

        private static int stride(int length) {
            return (length + 4095) / 4096 * 4096 + 520;
        }

        /** The next copy, its position at 0. */
        ByteBuffer next() {
            ByteBuffer copy = copies[next++ & (ALIGNMENTS - 1)];
            copy.position(0);
            return copy;
        }
    }
}
