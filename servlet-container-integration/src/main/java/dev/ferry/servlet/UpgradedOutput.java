package dev.ferry.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The writing half of a {@link WebConnectionTransport}: writes to the upgraded output stream (or a
 * {@link ConnectionOutput}'s) with non-blocking servlet I/O, and the container's write callbacks
 * ({@link WriteListener}).
 *
 * <p>Writing happens on the driver's threads, which servlet containers support. A heap buffer's array is written as
 * it is; when the stream is not ready after that write, the container may still hold the array (Jetty's pending
 * non-blocking write does), so those bytes are reported as not yet taken and counted, without writing them again,
 * on the next call once the stream is ready: the caller keeps its buffer until then. A frame's buffers that
 * together fit in {@link #GATHER} bytes (header and payload) are copied into one pooled array and written at once;
 * a direct buffer is copied through a pooled array. A pooled array the container may still hold is never given
 * back. Larger writes, on a container whose stream writes a direct buffer in one go ({@link DirectOutput}: Jetty
 * 12.1, whose output writes a large array in slices of its buffer size, one socket write each, 64 per MiB), are
 * copied into pooled direct pieces of {@link ScratchPool#PIECE} bytes, each written whole and counted as taken at
 * once; a piece the container still holds goes back to the pool when the stream is next found ready or the container
 * calls {@code onWritePossible}, so an idle connection keeps none. Each call ends with one {@code flush()} when the
 * stream allows, so nothing waits in a container's aggregation buffer; but for the connection's last bytes
 * ({@link #writeLast}) on a container whose close sends what the stream holds together with the end of the stream
 * ({@link WebConnectionTransport.LastWrite#LEFT_TO_CLOSE}): the close that follows sends them, in one pass instead of
 * two.
 *
 * <p>Thread contract: as {@link WebConnectionTransport}. {@link #write} is never concurrent with itself; the state
 * marked so is guarded by the transport's lock, which the container's callbacks take.
 */
final class UpgradedOutput implements WriteListener {

    /** Buffers of one write that together fit in this many bytes are gathered into one container write. */
    static final int GATHER = 8 * 1024;

    /** Bytes of a caller's heap buffer written from its array that a pending container write may still hold. */
    private record Lent(ByteBuffer buffer, int length) { }

    private final WebConnectionTransport transport;
    /** The transport's lock, which guards the fields marked so and the transport's end state. */
    private final Object lock;
    private final ServletOutputStream out;
    /** The stream large writes go to as direct pieces ({@link DirectOutput}); null: none. */
    private final ServletOutputStream direct;
    /** Whether {@link #out} is a {@link ConnectionOutput}'s stream rather than the container's upgraded output. */
    private final boolean writesConnectionOutput;
    /** Whether the last write is flushed ({@link WebConnectionTransport.LastWrite#FLUSHED}) or left to the close. */
    private final boolean flushesLastWrite;
    /** Written by {@link #write} only (never concurrent with itself). */
    private Lent lent;
    /** Whether the last piece {@link #write} wrote is still being written by the container; by {@code write} only. */
    private boolean piecePending;
    // Guarded by lock.
    /** The direct piece a container write may still be writing; given back once the stream is ready again. */
    private ByteBuffer heldPiece;
    private boolean writable;
    private boolean writeDemanded;
    private boolean writeArmed;

    /**
     * @param connectionOutput the stream that writes the connection straight ({@link ConnectionOutput}), or null: the
     *                         connection's upgraded output stream is written
     * @param unwrapsOutput    whether the container's upgraded output may be unwrapped for large writes
     */
    UpgradedOutput(WebConnectionTransport transport, WebConnection connection, ServletOutputStream connectionOutput,
                   WebConnectionTransport.LastWrite lastWrite, boolean unwrapsOutput) throws IOException {
        this.transport = transport;
        this.lock = transport.lock;
        this.writesConnectionOutput = connectionOutput != null;
        this.out = writesConnectionOutput ? connectionOutput : connection.getOutputStream();
        // A connection output writes a buffer whole (ConnectionOutput): no need to look for the stream that does, whose
        // one-class cache would otherwise swap between it and the container's stream on a server with both kinds.
        this.direct = writesConnectionOutput ? connectionOutput : DirectOutput.of(out, unwrapsOutput);
        this.flushesLastWrite = lastWrite == WebConnectionTransport.LastWrite.FLUSHED;
    }

    /** Installs this as the stream's write listener. */
    void listen() {
        out.setWriteListener(this);
    }

    /** {@link WebConnectionTransport#write}. */
    long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, true);
    }

    /** {@link WebConnectionTransport#writeLast}: see {@link WebConnectionTransport.LastWrite}. */
    long writeLast(ByteBuffer[] srcs) throws IOException {
        return write(srcs, flushesLastWrite);
    }

    /** Writes what the stream takes now; {@code flush}: end with a {@code flush()} when the stream allows. */
    private long write(ByteBuffer[] srcs, boolean flush) throws IOException {
        long total = 0;
        int next = 0;
        boolean ready = outReady();
        if (lent != null) {
            if (!ready) {
                return 0;
            }
            while (next < srcs.length && !srcs[next].hasRemaining()) {
                next++;
            }
            if (next == srcs.length || srcs[next] != lent.buffer() || srcs[next].remaining() < lent.length()) {
                throw new IllegalStateException("expected the write to go on with the buffer whose " + lent.length()
                        + " bytes the container took, got other buffers (Transport.write: a short write goes on"
                        + " where it stopped)");
            }
            srcs[next].position(srcs[next].position() + lent.length());
            total += lent.length();
            lent = null;
        }
        long remaining = 0;
        int buffers = 0;
        for (int i = next; i < srcs.length; i++) {
            remaining += srcs[i].remaining();
            buffers += srcs[i].hasRemaining() ? 1 : 0;
        }
        if (buffers > 1 && remaining <= GATHER && ready) {
            byte[] gathered = ScratchPool.borrow();
            int n = 0;
            for (int i = next; i < srcs.length; i++) {
                int k = srcs[i].remaining();
                srcs[i].get(gathered, n, k);
                n += k;
            }
            out.write(gathered, 0, n);
            total += n;
            ready = outReady();
            if (ready) {
                ScratchPool.giveBack(gathered); // else the container may still hold it
            }
        } else if (direct != null && remaining > GATHER && ready) {
            total += writePieces(srcs, next);
            ready = !piecePending;
        } else {
            for (int i = next; i < srcs.length && ready; i++) {
                ByteBuffer src = srcs[i];
                while (src.hasRemaining() && ready) {
                    if (src.hasArray()) {
                        int n = src.remaining();
                        out.write(src.array(), src.arrayOffset() + src.position(), n);
                        ready = outReady();
                        if (!ready) {
                            lent = new Lent(src, n); // taken, but counted once the container is done with it
                            return total;
                        }
                        src.position(src.position() + n);
                        total += n;
                    } else {
                        byte[] copy = ScratchPool.borrow();
                        int n = Math.min(copy.length, src.remaining());
                        src.get(copy, 0, n);
                        out.write(copy, 0, n);
                        total += n;
                        ready = outReady();
                        if (ready) {
                            ScratchPool.giveBack(copy);
                        }
                    }
                }
            }
        }
        if (total > 0 && ready && flush) {
            out.flush();
        }
        return total;
    }

    /**
     * Copies {@code srcs} from {@code next} into direct pieces, each written to {@link #direct} in one go, while the
     * stream stays ready; returns the bytes taken (all copied, so all taken). A piece the stream is not done with stays
     * in {@link #heldPiece} ({@link #piecePending}) until it is.
     */
    private long writePieces(ByteBuffer[] srcs, int next) throws IOException {
        long taken = 0;
        int i = next;
        piecePending = false;
        while (i < srcs.length) {
            ByteBuffer piece = ScratchPool.borrowPiece();
            while (i < srcs.length && piece.hasRemaining()) {
                ByteBuffer src = srcs[i];
                int n = Math.min(src.remaining(), piece.remaining());
                piece.put(piece.position(), src, src.position(), n);
                piece.position(piece.position() + n);
                src.position(src.position() + n);
                if (!src.hasRemaining()) {
                    i++;
                }
            }
            piece.flip();
            taken += piece.remaining();
            synchronized (lock) {
                heldPiece = piece; // before the write: the container's onWritePossible may come before it returns
            }
            direct.write(piece);
            if (!outReady()) { // else outReady() gave the piece back
                piecePending = true;
                return taken;
            }
        }
        return taken;
    }

    /** Asks the output stream whether it is ready; false arms the container's {@code onWritePossible}. */
    private boolean outReady() {
        boolean ready = out.isReady();
        ByteBuffer done = null;
        synchronized (lock) {
            writeArmed = !ready;
            if (ready) {
                done = heldPiece;
                heldPiece = null;
            }
        }
        if (done != null) {
            ScratchPool.giveBackPiece(done); // the container is done with it
        }
        return ready;
    }

    /**
     * {@link WebConnectionTransport#demandWrite}, once it has found no failure: called under the transport's lock, it
     * returns whether the caller must ask the stream itself, out of the lock ({@link #askStream()}).
     */
    boolean demand() {
        if (writable) {
            writable = false;
            transport.executor.execute(transport::fireWritable);
            return false;
        }
        writeDemanded = true;
        return !writeArmed; // armed: the container's callback is on its way; asking again could race with it
    }

    /** After {@link #demand()} said so: when the stream is ready now, reports it from the executor. */
    void askStream() {
        if (!out.isReady()) {
            return;
        }
        synchronized (lock) {
            if (!writeDemanded) {
                return; // the container's callback took it meanwhile
            }
            writeDemanded = false;
        }
        transport.executor.execute(transport::fireWritable);
    }

    /** Under the transport's lock: whether a write demand waited, which is now cleared (the transport has failed). */
    boolean takeDemand() {
        boolean waited = writeDemanded;
        writeDemanded = false;
        return waited;
    }

    /** Under the transport's lock, at {@code close()}: whether no write is pending, so the connection may close now. */
    boolean isIdle() {
        return out.isReady();
    }

    /** Once the connection is closed: what the container needs to end it (see {@link WriteDispatch}). */
    void afterClose() {
        if (!writesConnectionOutput) { // a connection output ends with the container's close, and is no Tomcat stream
            WriteDispatch.requestAfterClose(out); // Tomcat ends a closed connection only in a dispatch of its own
        }
    }

    // ------------------------------------------------------------------ the container's write callbacks

    @Override
    public void onWritePossible() throws IOException {
        boolean fire;
        boolean closeNow;
        ByteBuffer done;
        synchronized (lock) {
            writeArmed = false;
            done = heldPiece; // the container has finished the write that held it
            heldPiece = null;
            closeNow = transport.closeWaitsUnderLock();
            fire = writeDemanded && !closeNow;
            writeDemanded = false;
            writable = !fire && !closeNow;
        }
        if (done != null) {
            ScratchPool.giveBackPiece(done);
        }
        if (closeNow) {
            transport.closeConnection();
        } else if (fire) {
            transport.fireWritable();
        }
    }

    @Override
    public void onError(Throwable t) {
        transport.fail(t);
    }
}
