package dev.ferry.transport;

import dev.ferry.protocol.Action;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The outgoing side of a {@link ConnectionDriver}: a FIFO of pending writes to the transport and the batch buffer.
 *
 * <p>Each handle {@code SEND_TO_NETWORK} becomes one pending write, gathered (header and payload in one
 * {@link Transport#write} call) and written in order; a write the transport takes only in part waits for
 * {@link TransportListener#onWritable()} and goes on where it stopped, so short writes are never reported to the
 * handle: its action completes, with its total, only once every byte is taken. A batched data frame is copied
 * into the batch buffer and its action completes at once; the batch joins the FIFO on {@link #flushBatch}.
 *
 * <p>Thread contract: not thread safe; owned by the driver's loop. {@link #writableAgain()} may be called from the
 * transport's thread.
 */
final class WritePath {

    /** Told when bytes were written and when a handle action has been written in full. */
    interface Completion {
        void written(Action.SendToNetwork action, boolean sendPipeline);

        /** The transport took some bytes: the connection is active. */
        void wrote();
    }

    /** A pending write: a handle action, or a batch (flush markers complete when it is written). */
    private record Write(ByteBuffer[] buffers, Action.SendToNetwork action, boolean sendPipeline,
                         List<SendRequest> flushes) {
        boolean hasRemaining() {
            for (ByteBuffer b : buffers) {
                if (b.hasRemaining()) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Transport transport;
    private final int batchLimit;
    private final Completion completion;
    private static final VarHandle WRITE_DEMANDED;

    static {
        try {
            WRITE_DEMANDED = MethodHandles.lookup().findVarHandle(WritePath.class, "writeDemanded", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile boolean writeDemanded; // set through WRITE_DEMANDED: no atomic object per connection
    private final ArrayDeque<Write> writes = new ArrayDeque<>(1); // grows on use: an idle connection writes nothing
    private ByteBuffer batch;

    WritePath(Transport transport, int batchLimit, Completion completion) {
        this.transport = transport;
        this.batchLimit = batchLimit;
        this.completion = completion;
    }

    /** The transport can take bytes again. */
    void writableAgain() {
        writeDemanded = false;
    }

    /** Whether nothing waits to be written (a batch not yet flushed does not count). */
    boolean isEmpty() {
        return writes.isEmpty();
    }

    /** Whether batched bytes wait for a flush. */
    boolean hasBatch() {
        return batch != null && batch.position() > 0;
    }

    /** Queues a handle action's buffers behind any batch, and writes what the transport takes now. */
    void add(Action.SendToNetwork action, boolean sendPipeline) throws IOException {
        flushBatch(null);
        writes.add(new Write(action.buffers().toArray(ByteBuffer[]::new), action, sendPipeline, List.of()));
        flush();
    }

    /**
     * Copies a data frame into the batch; the caller completes the action at once. A batch past the limit is
     * queued for writing.
     */
    void addToBatch(Action.SendToNetwork action) {
        long total = action.totalBytes();
        if (batch == null || batch.remaining() < total) {
            long needed = (batch == null ? 0 : batch.position()) + total;
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8,
                    Math.max(needed, Math.min(batchLimit, 1 << 16))));
            if (batch != null) {
                bigger.put(batch.flip());
            }
            batch = bigger;
        }
        for (ByteBuffer b : action.buffers()) {
            batch.put(b.duplicate());
        }
        if (batch.position() >= batchLimit) {
            flushBatch(null);
        }
    }

    /**
     * Queues the batch (if any) for writing; {@code marker}, if given, completes once everything queued before it
     * is written.
     */
    void flushBatch(SendRequest marker) {
        List<SendRequest> flushes = marker == null ? List.of() : List.of(marker);
        if (hasBatch()) {
            ByteBuffer bytes = batch.flip();
            batch = null;
            writes.add(new Write(new ByteBuffer[] {bytes}, null, true, flushes));
        } else if (marker != null) {
            if (writes.isEmpty()) {
                marker.complete(null);
            } else {
                writes.add(new Write(new ByteBuffer[0], null, true, flushes));
            }
        }
    }

    /**
     * Writes pending writes in order until done or the transport is full (then asks once to be told when it can
     * take more).
     *
     * @return whether anything was written or completed
     */
    boolean flush() throws IOException {
        boolean progress = false;
        while (!writes.isEmpty()) {
            Write write = writes.peek();
            if (transport.write(write.buffers()) > 0) {
                completion.wrote();
                progress = true;
            }
            if (write.hasRemaining()) {
                if (WRITE_DEMANDED.compareAndSet(this, false, true)) {
                    transport.demandWrite();
                }
                return progress;
            }
            writes.poll();
            progress = true;
            if (write.action() != null) {
                completion.written(write.action(), write.sendPipeline());
            }
            for (SendRequest flush : write.flushes()) {
                flush.complete(null);
            }
        }
        return progress;
    }

    /**
     * Drops everything pending; flush markers fail with {@code reason}.
     *
     * @return the handle actions that were not written in full, for the caller to cancel
     */
    List<Action.SendToNetwork> fail(IOException reason) {
        List<Action.SendToNetwork> unwritten = new java.util.ArrayList<>();
        for (Write write : writes) {
            if (write.action() != null) {
                unwritten.add(write.action());
            }
            for (SendRequest flush : write.flushes()) {
                flush.complete(reason);
            }
        }
        writes.clear();
        batch = null;
        return unwritten;
    }
}
