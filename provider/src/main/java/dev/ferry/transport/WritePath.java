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
 * into the batch buffer and its action completes at once; the batch joins the FIFO on {@link #flushBatch}. A deferred
 * data frame ({@link #addDeferred}) goes into the same batch, which then waits ({@link #isHolding()}) until the driver
 * flushes it; past {@link #DEFERRED_BATCH} held bytes (or the send queue's limit, when smaller) it goes out by itself.
 * A written batch of up to {@link #SPARE} bytes (its buffer, and the {@code Write} that carried it, queued again as
 * it is when the next batch in that buffer goes out) is kept for the next batch while the connection is busy, and
 * handed to {@link Spares} when it waits for its peer, so an idle connection holds none and a connection that
 * alternates between one reply and waiting (one message in flight) takes its next batch there rather than
 * allocating one per reply.
 *
 * <p>Thread contract: not thread safe; owned by the driver's loop. {@link #writableAgain()} may be called from the
 * transport's thread.
 */
final class WritePath {

    /**
     * Told when bytes were written, when a handle action has been written in full, and when a hold starts; asked the
     * time for the age of a hold.
     */
    interface Completion {
        void written(Action.SendToNetwork action, boolean sendPipeline);

        /** The transport took some bytes: the connection is active. */
        void wrote();

        /**
         * A deferred frame is about to be held while none is ({@link #addDeferred}): the first of a hold, which
         * goes out at the latest when the caller's timer asks for it.
         */
        void holdStarted();

        /** The clock, in nanoseconds, read only for the age of a hold of two frames or more ({@link #DEFERRED_AGE}). */
        long nanoTime();
    }

    /**
     * A pending write: a handle action, or a batch (flush markers complete when it is written); {@code last}: the
     * connection's last bytes ({@link Transport#writeLast}).
     */
    record Write(ByteBuffer[] buffers, Action.SendToNetwork action, boolean sendPipeline, List<SendRequest> flushes,
                 boolean last) {
        /** A batch: its buffer, written on the send pipeline's behalf; {@code flushes} complete once it is written. */
        static Write batch(ByteBuffer bytes, List<SendRequest> flushes) {
            return new Write(new ByteBuffer[] {bytes}, null, true, flushes, false);
        }

        boolean hasRemaining() {
            for (ByteBuffer b : buffers) {
                if (b.hasRemaining()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A frame larger than this is written at once, never deferred: only small frames gain from sharing a write. */
    static final int DEFERRED_FRAME = 2 * 1024;
    /** Held bytes of deferred frames at which they are written without waiting any longer. */
    static final int DEFERRED_BATCH = 16 * 1024;
    /** A held frame this old, in nanoseconds, is written with the next frame deferred after it, rather than wait on. */
    static final long DEFERRED_AGE = 1_000_000L;
    /** The first batch buffer of deferred frames: a few small frames; it doubles as needed. */
    private static final int DEFERRED_FIRST = 256;
    /** A written batch buffer up to this size is kept for the next batch while the connection is busy. */
    static final int SPARE = 4 * 1024;

    private final Transport transport;
    private final int batchLimit;
    /** Held deferred bytes at which they go out. */
    private final int deferredLimit;
    private final Completion completion;
    private final Spares spares;
    private static final VarHandle WRITE_DEMANDED;

    static {
        try {
            WRITE_DEMANDED = MethodHandles.lookup().findVarHandle(WritePath.class, "writeDemanded", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile boolean writeDemanded; // set through WRITE_DEMANDED: no atomic object per connection
    private ArrayDeque<Write> writes; // made by the first write and grows on use: an idle connection writes nothing
    private ByteBuffer batch;
    /** The batch holds deferred frames only, waiting for {@link #flushBatch} (not for an application's flush). */
    private boolean holding;
    /** When the second frame of the current hold was held ({@link Completion#nanoTime()}), if {@link #holdStamped}. */
    private long heldSince;
    private boolean holdStamped;
    /** A written batch of deferred frames, whose buffer is kept for the next one until the connection goes idle. */
    private Write spare;
    /** The written batch whose buffer {@link #batch} is, to queue again while the batch is in that buffer. */
    private Write batchWrite;

    /**
     * @param sendQueueLimit the send queue's bound: deferred bytes held never add up past it (nor past
     *                       {@link #DEFERRED_BATCH}), so deferring lets no sender past the bound it would meet without
     */
    WritePath(Transport transport, int batchLimit, long sendQueueLimit, Completion completion) {
        this(transport, batchLimit, sendQueueLimit, completion, Spares.SHARED);
    }

    WritePath(Transport transport, int batchLimit, long sendQueueLimit, Completion completion, Spares spares) {
        this.spares = spares;
        this.transport = transport;
        this.batchLimit = batchLimit;
        this.deferredLimit = (int) Math.min(Math.min(batchLimit, DEFERRED_BATCH), sendQueueLimit);
        this.completion = completion;
    }

    /** The transport can take bytes again. */
    void writableAgain() {
        writeDemanded = false;
    }

    /** Whether nothing waits to be written (a batch not yet flushed does not count). */
    boolean isEmpty() {
        return writes == null || writes.isEmpty();
    }

    private void queue(Write write) {
        if (writes == null) {
            writes = new ArrayDeque<>(2);
        }
        writes.add(write);
    }

    /** Whether batched bytes wait for a flush. */
    boolean hasBatch() {
        return batch != null && batch.position() > 0;
    }

    /**
     * Queues a handle action's buffers behind any batch, and writes what the transport takes now. {@code last}:
     * nothing is written after this action, and the caller closes the transport once it is written
     * ({@link Transport#writeLast}).
     */
    void add(Action.SendToNetwork action, boolean sendPipeline, boolean last) throws IOException {
        flushBatch(null);
        queue(new Write(action.buffers().toArray(ByteBuffer[]::new), action, sendPipeline, List.of(), last));
        flush();
    }

    /**
     * Copies a data frame into the batch; the caller completes the action at once. A batch past the limit is
     * queued for writing.
     */
    void addToBatch(Action.SendToNetwork action) {
        copy(action, Math.min(batchLimit, 1 << 16));
        if (batch.position() >= batchLimit) {
            flushBatch(null);
        }
    }

    /**
     * Whether {@code action}'s frame may be deferred: a small data frame while no application batch is open (the
     * caller checks that batching is off) and nothing waits for the transport. A transport that cannot take more
     * stops deferring, so the frames behind go through the handle one at a time again and fill the bounded send
     * queue: deferred bytes never add up past the deferred limit (see the constructor).
     */
    boolean mayDefer(Action.SendToNetwork action) {
        return isEmpty() && (batch == null || holding) && action.totalBytes() <= DEFERRED_FRAME;
    }

    /**
     * Copies a data frame into the batch to be written with the frames that follow it, at the caller's next
     * {@link #flushBatch}, or at once past {@link #DEFERRED_BATCH} held bytes; the caller completes the action at
     * once. Only when {@link #mayDefer} said yes, or for a frame of a payload lent to the handle. When the frames held
     * have waited {@link #DEFERRED_AGE} (counted from the second one held: a lone frame, the common case, costs no
     * clock read), they go out first, and this frame starts a new hold: the application is slow between frames, and
     * sharing a write gains little. The first frame of a hold is announced ({@link Completion#holdStarted()}) before
     * it is held.
     */
    void addDeferred(Action.SendToNetwork action) {
        if (holding) {
            long now = completion.nanoTime();
            if (!holdStamped) {
                holdStamped = true;
                heldSince = now;
            } else if (now - heldSince >= DEFERRED_AGE) {
                flushBatch(null);
            }
        }
        if (!holding) {
            holdStamped = false;
            completion.holdStarted();
        }
        copy(action, DEFERRED_FIRST);
        holding = true;
        if (batch.position() >= deferredLimit) {
            flushBatch(null);
        }
    }

    /**
     * The connection waits for its peer: hands the batch kept for deferred frames to {@link Spares}, so an idle one
     * holds none.
     */
    void idle() {
        if (spare != null) {
            spares.put(spare);
            spare = null;
        }
    }

    /** Whether deferred frames wait in the batch. */
    boolean isHolding() {
        return holding;
    }

    private void copy(Action.SendToNetwork action, int firstCapacity) {
        long total = action.totalBytes();
        if (batch == null && spare != null && spare.buffers()[0].capacity() >= total) {
            reuse(spare);
            spare = null;
        } else if (batch == null && spare == null && total <= SPARE) {
            reuse(spares.take(total));
        }
        if (batch == null || batch.remaining() < total) {
            batchWrite = null; // a new buffer: a new write
            long needed = (batch == null ? 0 : batch.position()) + total;
            long capacity = Math.max(needed, batch == null ? firstCapacity : 2L * batch.capacity());
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, capacity));
            if (batch != null) {
                bigger.put(batch.flip());
            }
            batch = bigger;
        }
        List<ByteBuffer> buffers = action.buffers();
        for (int i = 0; i < buffers.size(); i++) { // indexed: no iterator to allocate per frame
            ByteBuffer b = buffers.get(i);
            int n = b.remaining();
            batch.put(batch.position(), b, b.position(), n); // absolute: no view of b to allocate
            batch.position(batch.position() + n);
        }
    }

    /** Starts a batch in the buffer of a written one (none: nothing to reuse). */
    private void reuse(Write written) {
        if (written != null) {
            batch = written.buffers()[0].clear();
            batchWrite = written;
        }
    }

    /**
     * Queues the batch (if any) for writing; {@code marker}, if given, completes once everything queued before it
     * is written.
     */
    void flushBatch(SendRequest marker) {
        holding = false;
        List<SendRequest> flushes = marker == null ? List.of() : List.of(marker);
        if (hasBatch()) {
            ByteBuffer bytes = batch.flip();
            Write write = batchWrite != null && marker == null ? batchWrite : Write.batch(bytes, flushes);
            batch = null;
            batchWrite = null;
            queue(write);
        } else if (marker != null) {
            if (isEmpty()) {
                marker.complete(null);
            } else {
                queue(new Write(new ByteBuffer[0], null, true, flushes, false));
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
        while (!isEmpty()) {
            Write write = writes.peek();
            if ((write.last() ? transport.writeLast(write.buffers()) : transport.write(write.buffers())) > 0) {
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
            if (write.action() == null && write.buffers().length == 1
                    && write.buffers()[0].capacity() <= SPARE) {
                // Written in full: the transport keeps none of it (Transport contract). A spare refers to no marker.
                spare = write.flushes().isEmpty() ? write : Write.batch(write.buffers()[0], List.of());
            }
            if (write.action() != null) {
                completion.written(write.action(), write.sendPipeline());
            }
            List<SendRequest> flushes = write.flushes();
            for (int i = 0; i < flushes.size(); i++) { // indexed: most writes have none, and an iterator is an object
                flushes.get(i).complete(null);
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
        List<Action.SendToNetwork> unwritten = List.of(); // most connections end with every write done
        for (Write write : writes == null ? List.<Write>of() : writes) {
            if (write.action() != null) {
                if (unwritten.isEmpty()) {
                    unwritten = new java.util.ArrayList<>();
                }
                unwritten.add(write.action());
            }
            for (SendRequest flush : write.flushes()) {
                flush.complete(reason);
            }
        }
        if (writes != null) {
            writes.clear();
        }
        batch = null;
        batchWrite = null;
        spare = null;
        holding = false;
        return unwritten;
    }

    /**
     * Written batches of at most {@link #SPARE} bytes (a buffer and the write that carried it) that connections
     * waiting for their peer leave for the next one that defers a frame: at most {@link #SLOTS} kept, on a
     * {@link Shelf} (no lock, and no allocation to keep or take one). A batch that finds no free slot is left to the
     * garbage collector.
     *
     * <p>Thread safe.
     */
    static final class Spares {
        static final int SLOTS = 16;
        static final Spares SHARED = new Spares();

        private final Shelf<Write> shelf = new Shelf<>(SLOTS);

        /** A batch with room for {@code bytes} bytes; null when the one kept first is smaller, or none is kept. */
        Write take(long bytes) {
            Write kept = shelf.take();
            if (kept != null && kept.buffers()[0].capacity() < bytes) {
                shelf.put(kept);
                return null;
            }
            return kept;
        }

        /** Keeps {@code written} (nothing refers to it any more) if a slot is free and its buffer is small enough. */
        void put(Write written) {
            if (written.buffers()[0].capacity() <= SPARE) {
                shelf.put(written);
            }
        }
    }
}
