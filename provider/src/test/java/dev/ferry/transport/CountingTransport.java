package dev.ferry.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A transport that counts the reads and the writes that took bytes, and keeps its listener, so a test can call it
 * without cause.
 *
 * <p>Thread contract: as the transport it wraps; the counts are for the test's thread.
 */
final class CountingTransport implements Transport {

    private final Transport inner;
    TransportListener listener;
    int reads;
    /** Reads the driver made right after writing its replies ({@link Transport#readAfterReply}). */
    int readsAfterReply;
    int writes;

    CountingTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public void start(TransportListener newListener) {
        listener = newListener;
        inner.start(newListener);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        reads++;
        return inner.read(dst);
    }

    /** Counted in {@link #reads} too. */
    @Override
    public int readAfterReply(ByteBuffer dst) throws IOException {
        reads++;
        readsAfterReply++;
        return inner.readAfterReply(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        long n = inner.write(srcs);
        writes += n > 0 ? 1 : 0;
        return n;
    }

    @Override
    public void demandRead() {
        inner.demandRead();
    }

    @Override
    public void demandWrite() {
        inner.demandWrite();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
