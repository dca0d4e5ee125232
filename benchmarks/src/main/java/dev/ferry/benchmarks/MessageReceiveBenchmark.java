package dev.ferry.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

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
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MessageReceiveBenchmark {

    @Param({"SERVER", "CLIENT"})
    public String role;

    @Param({"64", "65536"})
    public int size;

    @Param({"false", "true"})
    public boolean deflate;

    private ByteBuffer ferryWire;
    private ByteBuffer jettyWire;
    private ByteBuffer unlockedWire;
    private ByteBuffer unfusedWire;
    private FerryHandles.Receiver ferry;
    private FerryHandles.Receiver ferryUnlocked;
    private FerryHandles.Side ferryUnfused;
    private JettyPipeline jetty;

    @Setup
    public void setUp() {
        boolean server = role.equals("SERVER");
        FerryHandles.Pair pair = FerryHandles.open(deflate);
        ferry = new FerryHandles.Receiver(pair.get(server));
        // The first message of a connection: with context takeover it refers to no earlier message, so the
        // same bytes can be received again and again.
        ByteBuffer wire = FerryHandles.wireOf(pair.get(!server), Inputs.payload(size, 4));
        pair.get(!server).close();
        ferryWire = wire.duplicate();
        jettyWire = wire.duplicate();
        unlockedWire = wire.duplicate();
        unfusedWire = wire.duplicate();
        ferryUnlocked = new FerryHandles.Receiver(FerryHandles.openUnlocked(deflate).get(server));
        ferryUnfused = FerryHandles.open(deflate).get(server);
        jetty = new JettyPipeline(!server, deflate);
    }

    @TearDown
    public void tearDown() {
        ferry.handle().close();
        ferryUnlocked.handle().close();
        ferryUnfused.close();
        jetty.stop();
    }

    @Benchmark
    public long ferry() {
        ferryWire.position(0);
        return FerryHandles.receiveMessage(ferry, ferryWire);
    }

    /** Diagnostic: the same loop on the handle's engine, without the handle's lock (spec J9). */
    @Benchmark
    public long ferryUnlocked() {
        unlockedWire.position(0);
        return FerryHandles.receiveMessage(ferryUnlocked, unlockedWire);
    }

    /** Diagnostic: the loop with the calls of spec §8.1 only, as before the fused calls (five per small message). */
    @Benchmark
    public long ferryUnfused() {
        unfusedWire.position(0);
        return FerryHandles.receiveMessageUnfused(ferryUnfused, unfusedWire);
    }

    @Benchmark
    public long jetty() {
        jettyWire.position(0);
        return jetty.receive(jettyWire);
    }
}
