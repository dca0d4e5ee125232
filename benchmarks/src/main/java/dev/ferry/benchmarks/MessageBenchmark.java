package dev.ferry.benchmarks;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * What {@link MessageSendBenchmark} and {@link MessageReceiveBenchmark} share: their parameters and their four
 * variants (Ferry through the handle, Ferry on the engine without the handle's lock, Ferry with the calls of spec
 * §8.1 only, Jetty), so that {@link CpuTimeProbe} and the smoke test drive either the same way. One operation is one
 * message. A subclass annotates its own {@code @Setup}, {@code @TearDown} and {@code @Benchmark} methods.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class MessageBenchmark {

    @Param({"SERVER", "CLIENT"})
    public String role;

    @Param({"64", "65536"})
    public int size;

    @Param({"false", "true"})
    public boolean deflate;

    /** Whether the measured side is the server. */
    boolean server() {
        return role.equals("SERVER");
    }

    /** Sets the parameters as JMH would, then {@link #setUp()}; for running outside JMH. */
    MessageBenchmark setUp(String role, int size, boolean deflate) {
        this.role = role;
        this.size = size;
        this.deflate = deflate;
        setUp();
        return this;
    }

    public abstract void setUp();

    public abstract void tearDown();

    public abstract long ferry();

    /** Diagnostic: the same loop on the handle's engine, without the handle's lock (spec J9). */
    public abstract long ferryUnlocked();

    /** Diagnostic: the loop with the calls of spec §8.1 only, as before the fused calls. */
    public abstract long ferryUnfused();

    public abstract long jetty();
}
