package dev.ferry.jakarta.server;

import dev.ferry.transport.Transport;
import dev.ferry.transport.TransportListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One end of an in-memory connection: what one end writes, the other reads. Unbounded, so a write always takes
 * everything. Listener callbacks run on this end's own single daemon thread, never inside a call, as the
 * {@link Transport} contract requires.
 *
 * <p>Thread contract: as {@link Transport}; the shared state is guarded by the pair's lock.
 */
final class MemoryTransport implements Transport {

    private final Object lock;
    private final ExecutorService callbacks;
    private MemoryTransport peer;
    private TransportListener listener;
    private ByteBuffer inbound = ByteBuffer.allocate(1024).flip(); // read mode
    private boolean readDemanded;
    private boolean closed;
    private boolean peerClosed;

    private MemoryTransport(Object lock, String name) {
        this.lock = lock;
        this.callbacks = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "memory-transport-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Two connected ends: {@code [0]} the client's, {@code [1]} the server's. */
    static MemoryTransport[] pair() {
        Object lock = new Object();
        MemoryTransport client = new MemoryTransport(lock, "client");
        MemoryTransport server = new MemoryTransport(lock, "server");
        client.peer = server;
        server.peer = client;
        return new MemoryTransport[] {client, server};
    }

    /** Stops the callback thread. */
    void shutdown() {
        callbacks.shutdownNow();
    }

    @Override
    public void start(TransportListener listener) {
        synchronized (lock) {
            this.listener = listener;
        }
    }

    @Override
    public int read(ByteBuffer dst) {
        synchronized (lock) {
            if (!inbound.hasRemaining()) {
                return peerClosed || closed ? -1 : 0;
            }
            int n = Math.min(dst.remaining(), inbound.remaining());
            ByteBuffer slice = inbound.slice().limit(n);
            dst.put(slice);
            inbound.position(inbound.position() + n);
            return n;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        synchronized (lock) {
            if (closed || peer.closed) {
                throw new IOException("connection closed");
            }
            long total = 0;
            for (ByteBuffer src : srcs) {
                total += src.remaining();
                peer.append(src);
            }
            peer.wakeReader();
            return total;
        }
    }

    /** Appends to this end's inbound bytes; caller holds the lock. */
    private void append(ByteBuffer src) {
        if (inbound.capacity() - inbound.limit() < src.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(inbound.capacity() * 2, inbound.remaining()
                    + src.remaining() + 1024));
            bigger.put(inbound).flip();
            inbound = bigger;
        }
        int position = inbound.position();
        inbound.position(inbound.limit()).limit(inbound.capacity());
        inbound.put(src);
        inbound.limit(inbound.position()).position(position);
    }

    /** Fires a demanded onReadable; caller holds the lock. */
    private void wakeReader() {
        if (readDemanded && listener != null) {
            readDemanded = false;
            TransportListener target = listener;
            dispatch(target::onReadable);
        }
    }

    private void dispatch(Runnable callback) {
        if (!callbacks.isShutdown()) {
            callbacks.execute(callback);
        }
    }

    @Override
    public void demandRead() {
        synchronized (lock) {
            readDemanded = true;
            if (inbound.hasRemaining() || peerClosed || closed) {
                wakeReader();
            }
        }
    }

    @Override
    public void demandWrite() {
        synchronized (lock) {
            TransportListener target = listener;
            dispatch(target::onWritable);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            peer.peerClosed = true;
            peer.wakeReader();
            wakeReader();
        }
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
