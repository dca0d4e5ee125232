package dev.ferry.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * One end of an in-memory connection: what one side writes, the other reads. Each direction holds at most
 * {@code capacity} bytes, so a reader that stops reading pushes back on the writer, as TCP does. Callbacks run on
 * the given executor, never inside the call that caused them (the {@link Transport} contract).
 *
 * <p>Thread contract: as {@link Transport}; the pair's state is guarded by the shared lock.
 */
public final class MemoryTransport implements Transport {

    /** Both ends of one connection. */
    public record Pair(MemoryTransport client, MemoryTransport server) { }

    private final Object lock;
    private final Executor callbacks;
    private final int capacity;
    private final ByteBuffer inbound;
    private MemoryTransport peer;
    private TransportListener listener;
    private boolean readDemanded;
    private boolean writeDemanded;
    private boolean closed;
    private boolean peerClosed;
    private long bytesWritten;
    /** Bytes taken by {@link #writeLast}; after its last one only {@link #close()} may come. */
    private long lastWriteBytes;
    private boolean lastWriteDone;

    private MemoryTransport(Object lock, Executor callbacks, int capacity) {
        this.lock = lock;
        this.callbacks = callbacks;
        this.capacity = capacity;
        this.inbound = ByteBuffer.allocate(capacity);
    }

    /** A connected pair whose directions each buffer {@code capacity} bytes. */
    public static Pair pair(Executor callbacks, int capacity) {
        Object lock = new Object();
        MemoryTransport client = new MemoryTransport(lock, callbacks, capacity);
        MemoryTransport server = new MemoryTransport(lock, callbacks, capacity);
        client.peer = server;
        server.peer = client;
        return new Pair(client, server);
    }

    @Override
    public void start(TransportListener newListener) {
        synchronized (lock) {
            if (listener != null) {
                throw new IllegalStateException("started twice");
            }
            listener = newListener;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n;
        synchronized (lock) {
            if (closed) {
                throw new IOException("transport closed");
            }
            inbound.flip();
            if (!inbound.hasRemaining()) {
                inbound.compact();
                return peerClosed ? -1 : 0;
            }
            n = Math.min(dst.remaining(), inbound.remaining());
            ByteBuffer slice = inbound.slice(inbound.position(), n);
            dst.put(slice);
            inbound.position(inbound.position() + n);
            inbound.compact();
            if (peer.writeDemanded) {
                peer.writeDemanded = false;
                peer.fire(false);
            }
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        long total = 0;
        synchronized (lock) {
            if (closed) {
                throw new IOException("transport closed");
            }
            if (peer.closed) {
                throw new IOException("connection reset: the peer has closed");
            }
            if (lastWriteDone) {
                throw new IllegalStateException("expected close() after the last write (Transport.writeLast), got "
                        + "another write");
            }
            for (ByteBuffer src : srcs) {
                int n = Math.min(src.remaining(), peer.inbound.remaining());
                peer.inbound.put(src.slice(src.position(), n));
                src.position(src.position() + n);
                total += n;
                if (src.hasRemaining()) {
                    break;
                }
            }
            bytesWritten += total;
            if (total > 0 && peer.readDemanded) {
                peer.readDemanded = false;
                peer.fire(true);
            }
        }
        return total;
    }

    @Override
    public long writeLast(ByteBuffer[] srcs) throws IOException {
        long n = write(srcs);
        synchronized (lock) {
            lastWriteBytes += n;
            lastWriteDone = java.util.Arrays.stream(srcs).noneMatch(ByteBuffer::hasRemaining);
        }
        return n;
    }

    @Override
    public void demandRead() {
        synchronized (lock) {
            if (inbound.position() > 0 || peerClosed) {
                fire(true);
            } else {
                readDemanded = true;
            }
        }
    }

    @Override
    public void demandWrite() {
        synchronized (lock) {
            if (peer.inbound.hasRemaining() || peer.closed) {
                fire(false);
            } else {
                writeDemanded = true;
            }
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
            if (peer.readDemanded) {
                peer.readDemanded = false;
                peer.fire(true);
            }
        }
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    /** Whether {@link #close()} has been called on this end. */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Bytes this end has written through {@link #writeLast}: the connection's last ones. */
    public long lastWriteBytes() {
        synchronized (lock) {
            return lastWriteBytes;
        }
    }

    /** Total bytes this end has written. */
    public long bytesWritten() {
        synchronized (lock) {
            return bytesWritten;
        }
    }

    private void fire(boolean readable) {
        TransportListener target = listener;
        if (target == null) {
            return;
        }
        callbacks.execute(() -> {
            if (readable) {
                target.onReadable();
            } else {
                target.onWritable();
            }
        });
    }
}
