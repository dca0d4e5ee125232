package dev.ferry.benchmarks;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.internal.Engine;
import dev.ferry.protocol.internal.HandleLock;
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
import java.util.concurrent.locks.ReentrantLock;

/**
 * Diagnostic (spec J9): the 64-byte message loops of {@link MessageSendBenchmark} and
 * {@link MessageReceiveBenchmark} on a handle's engine wrapped in each candidate lock, one method per lock,
 * so their per-call costs are compared in one run: a {@link ReentrantLock}, a monitor ({@code synchronized}),
 * {@link HandleLock} (the handle's), and no lock.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LockVariantsBenchmark {

    @Param({"SEND", "RECEIVE"})
    public String path;

    @Param({"SERVER", "CLIENT"})
    public String role;

    private ByteBuffer payload;
    private ByteBuffer wire;
    private FerryHandles.Side reentrant;
    private FerryHandles.Side monitor;
    private FerryHandles.Side handleLock;
    private FerryHandles.Side none;
    private FerryHandles.Receiver reentrantReceiver;
    private FerryHandles.Receiver monitorReceiver;
    private FerryHandles.Receiver handleLockReceiver;
    private FerryHandles.Receiver noneReceiver;

    @Setup
    public void setUp() {
        boolean server = role.equals("SERVER");
        payload = ByteBuffer.wrap(Inputs.payload(64, 3));
        FerryHandles.Pair pair = FerryHandles.open(false);
        wire = FerryHandles.wireOf(pair.get(!server), Inputs.payload(64, 4));
        ReentrantLock reentrantLock = new ReentrantLock();
        reentrant = locked(server, reentrantLock::lock, reentrantLock::unlock);
        monitor = monitored(server);
        HandleLock lock = new HandleLock();
        handleLock = locked(server, lock::lock, lock::unlock);
        none = FerryHandles.openUnlocked(false).get(server);
        reentrantReceiver = new FerryHandles.Receiver(reentrant);
        monitorReceiver = new FerryHandles.Receiver(monitor);
        handleLockReceiver = new FerryHandles.Receiver(handleLock);
        noneReceiver = new FerryHandles.Receiver(none);
    }

    @TearDown
    public void tearDown() {
        reentrant.close();
        monitor.close();
        handleLock.close();
        none.close();
    }

    /** Two calls that bracket each engine call. */
    private interface Lock {
        void lock();

        void unlock();
    }

    private static FerryHandles.Side locked(boolean server, Runnable take, Runnable release) {
        Engine engine = FerryHandles.openEngines(false)[server ? 1 : 0];
        Lock lock = new Lock() {
            public void lock() {
                take.run();
            }

            public void unlock() {
                release.run();
            }
        };
        return new FerryHandles.Side() {
            public void send(BufferType type, ByteBuffer data, Object context) {
                lock.lock();
                try {
                    engine.send(type, data, context);
                } finally {
                    lock.unlock();
                }
            }

            public void receive(Object context) {
                lock.lock();
                try {
                    engine.receive(context);
                } finally {
                    lock.unlock();
                }
            }

            public Action getAction(ActionQueue queue) {
                lock.lock();
                try {
                    return engine.getAction(queue);
                } finally {
                    lock.unlock();
                }
            }

            public void completeAction(Action action, long bytes) {
                lock.lock();
                try {
                    engine.completeAction(action, bytes);
                } finally {
                    lock.unlock();
                }
            }

            public Action completeAndGetAction(Action action, long bytes, ActionQueue queue) {
                lock.lock();
                try {
                    return engine.completeAndGetAction(action, bytes, queue);
                } finally {
                    lock.unlock();
                }
            }

            public Action completeAndReceive(Action.IndicateReceiveComplete received, Object context) {
                lock.lock();
                try {
                    return engine.completeAndReceive(received, context);
                } finally {
                    lock.unlock();
                }
            }

            public void close() {
                engine.close();
            }
        };
    }

    private static FerryHandles.Side monitored(boolean server) {
        Engine engine = FerryHandles.openEngines(false)[server ? 1 : 0];
        return new FerryHandles.Side() {
            public synchronized void send(BufferType type, ByteBuffer data, Object context) {
                engine.send(type, data, context);
            }

            public synchronized void receive(Object context) {
                engine.receive(context);
            }

            public synchronized Action getAction(ActionQueue queue) {
                return engine.getAction(queue);
            }

            public synchronized void completeAction(Action action, long bytes) {
                engine.completeAction(action, bytes);
            }

            public synchronized Action completeAndGetAction(Action action, long bytes, ActionQueue queue) {
                return engine.completeAndGetAction(action, bytes, queue);
            }

            public synchronized Action completeAndReceive(Action.IndicateReceiveComplete received, Object context) {
                return engine.completeAndReceive(received, context);
            }

            public void close() {
                engine.close();
            }
        };
    }

    private long run(FerryHandles.Side side, FerryHandles.Receiver receiver) {
        if (path.equals("SEND")) {
            return FerryHandles.sendMessage(side, payload, null);
        }
        wire.position(0);
        return FerryHandles.receiveMessage(receiver, wire);
    }

    @Benchmark
    public long reentrantLock() {
        return run(reentrant, reentrantReceiver);
    }

    @Benchmark
    public long monitor() {
        return run(monitor, monitorReceiver);
    }

    @Benchmark
    public long handleLock() {
        return run(handleLock, handleLockReceiver);
    }

    @Benchmark
    public long none() {
        return run(none, noneReceiver);
    }
}
