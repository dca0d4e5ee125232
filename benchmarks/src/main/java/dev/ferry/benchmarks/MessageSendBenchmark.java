package dev.ferry.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;

/**
 * One whole binary message through the send path. Ferry: {@code send}, {@code getAction}, then the fused
 * {@code completeAndGetAction} per write until its {@code INDICATE_SEND_COMPLETE}, which is completed
 * ({@link FerryHandles#sendMessage}: four locked calls for a one-frame message); {@code ferryUnfused} makes the
 * calls of spec §8.1 only (five). Jetty: {@link JettyPipeline#send}.
 * A server sends unmasked frames, a client masked ones; with permessage-deflate (context takeover, default
 * level, on both sides) the payload is compressed first. One operation is one message.
 */
public class MessageSendBenchmark extends MessageBenchmark {

    private ByteBuffer payload;
    private FerryHandles.Side ferry;
    private FerryHandles.Side ferryUnlocked;
    private FerryHandles.Side ferryUnfused;
    private JettyPipeline jetty;

    @Setup
    @Override
    public void setUp() {
        payload = ByteBuffer.wrap(Inputs.payload(size, 3));
        ferry = FerryHandles.open(deflate).get(server());
        ferryUnlocked = FerryHandles.openUnlocked(deflate).get(server());
        ferryUnfused = FerryHandles.open(deflate).get(server());
        jetty = new JettyPipeline(!server(), deflate);
    }

    @TearDown
    @Override
    public void tearDown() {
        ferry.close();
        ferryUnlocked.close();
        ferryUnfused.close();
        jetty.stop();
    }

    @Benchmark
    @Override
    public long ferry() {
        return FerryHandles.sendMessage(ferry, payload, null);
    }

    /** Diagnostic: the same loop on the handle's engine, without the handle's lock (spec J9). */
    @Benchmark
    @Override
    public long ferryUnlocked() {
        return FerryHandles.sendMessage(ferryUnlocked, payload, null);
    }

    /** Diagnostic: the loop with the calls of spec §8.1 only, as before the fused call (five per small message). */
    @Benchmark
    @Override
    public long ferryUnfused() {
        return FerryHandles.sendMessageUnfused(ferryUnfused, payload, null);
    }

    @Benchmark
    @Override
    public long jetty() {
        return jetty.send(payload);
    }
}
