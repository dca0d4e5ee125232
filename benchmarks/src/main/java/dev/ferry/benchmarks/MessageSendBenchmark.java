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
 * One whole binary message through the send path. Ferry: {@code send}, {@code getAction}, then the fused
 * {@code completeAndGetAction} per write until its {@code INDICATE_SEND_COMPLETE}, which is completed
 * ({@link FerryHandles#sendMessage}: four locked calls for a one-frame message); {@code ferryUnfused} makes the
 * calls of spec §8.1 only (five). Jetty: {@link JettyPipeline#send}.
 * A server sends unmasked frames, a client masked ones; with permessage-deflate (context takeover, default
 * level, on both sides) the payload is compressed first. One operation is one message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MessageSendBenchmark {

    @Param({"SERVER", "CLIENT"})
    public String role;

    @Param({"64", "65536"})
    public int size;

    @Param({"false", "true"})
    public boolean deflate;

    private ByteBuffer payload;
    private FerryHandles.Side ferry;
    private FerryHandles.Side ferryUnlocked;
    private FerryHandles.Side ferryUnfused;
    private JettyPipeline jetty;

    @Setup
    public void setUp() {
        boolean server = role.equals("SERVER");
        payload = ByteBuffer.wrap(Inputs.payload(size, 3));
        ferry = FerryHandles.open(deflate).get(server);
        ferryUnlocked = FerryHandles.openUnlocked(deflate).get(server);
        ferryUnfused = FerryHandles.open(deflate).get(server);
        jetty = new JettyPipeline(!server, deflate);
    }

    @TearDown
    public void tearDown() {
        ferry.close();
        ferryUnlocked.close();
        ferryUnfused.close();
        jetty.stop();
    }

    @Benchmark
    public long ferry() {
        return FerryHandles.sendMessage(ferry, payload, null);
    }

    /** Diagnostic: the same loop on the handle's engine, without the handle's lock (spec J9). */
    @Benchmark
    public long ferryUnlocked() {
        return FerryHandles.sendMessage(ferryUnlocked, payload, null);
    }

    /** Diagnostic: the loop with the calls of spec §8.1 only, as before the fused call (five per small message). */
    @Benchmark
    public long ferryUnfused() {
        return FerryHandles.sendMessageUnfused(ferryUnfused, payload, null);
    }

    @Benchmark
    public long jetty() {
        return jetty.send(payload);
    }
}
