package dev.ferry.benchmarks;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What going idle between messages costs the receive path: a request/response connection finds nothing to read
 * after each message, hands its read back ({@link WebSocketHandle#returnAction}), so the handle gives its receive
 * buffer back to the shared pool, and borrows it again for the read that brings the next message. One operation is
 * one 64-byte masked message received by a server handle. {@code awake}: the read is filled at once (the loop of
 * {@link MessageReceiveBenchmark}). {@code idleThenWake}: the first read is returned unused, then a second read is
 * filled. The difference is one {@code getAction} and one {@code returnAction} call plus one borrow and one give-back
 * of the pool; {@code -prof gc} shows whether either allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IdleWakeBenchmark {

    private WebSocketHandle server;
    private ByteBuffer wire;

    @Setup
    public void setUp() {
        HandleProperties properties = HandleProperties.defaults();
        WebSocketHandle client = WebSocketHandle.createClient(properties);
        server = WebSocketHandle.createServer(properties);
        List<HttpHeader> request = new ArrayList<>();
        request.add(new HttpHeader("Host", "127.0.0.1"));
        request.addAll(client.beginClientHandshake(List.of(), List.of(), List.of()));
        client.endClientHandshake(server.beginServerHandshake(null, List.of(), request));
        server.endServerHandshake();
        wire = FerryHandles.wireOf(FerryHandles.Side.of(client), Inputs.payload(64, 4));
        client.close();
    }

    @TearDown
    public void tearDown() {
        server.close();
    }

    @Benchmark
    public int awake() {
        server.receive(null);
        return fill((Action.ReceiveFromNetwork) server.getAction(ActionQueue.RECEIVE));
    }

    @Benchmark
    public int idleThenWake() {
        server.receive(null);
        server.returnAction((Action.ReceiveFromNetwork) server.getAction(ActionQueue.RECEIVE));
        return fill((Action.ReceiveFromNetwork) server.getAction(ActionQueue.RECEIVE));
    }

    /** Reads the whole message into {@code read} and takes its one chunk. */
    private int fill(Action.ReceiveFromNetwork read) {
        ByteBuffer into = read.buffer();
        int count = wire.remaining();
        into.put(into.position(), wire, wire.position(), count);
        server.completeAction(read, count);
        Action.IndicateReceiveComplete chunk = (Action.IndicateReceiveComplete) server.getAction(ActionQueue.RECEIVE);
        if (chunk.bufferType() != BufferType.BINARY_MESSAGE) {
            throw new IllegalStateException("expected one BINARY_MESSAGE, got " + chunk.bufferType());
        }
        int delivered = chunk.data().remaining();
        server.completeAction(chunk, 0);
        return delivered;
    }
}
