package dev.ferry.servlet;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Byte arrays of one size, lent to the servlet transports while they read or copy, so an idle connection holds
 * none. The pool keeps at most {@link #KEPT} arrays; an array given back beyond that, or of another size, is left to
 * the garbage collector. An array a container keeps (a pending non-blocking write) is simply never given back.
 *
 * <p>Beside them, direct buffers of {@link #PIECE} bytes ({@link #borrowPiece}), for large writes to a container that
 * writes a direct buffer in one go (see {@code WebConnectionTransport}, "Writing"); at most {@link #PIECES_KEPT} are
 * kept. A piece the container still holds is given back only once it is done with it.
 *
 * <p>Both are kept in {@link Shelf}s of slots taken and filled by compare-and-set, so lending and taking back, which
 * every read of a busy connection does, allocate nothing (a linked queue allocates a node per array given back).
 *
 * <p>Thread safe.
 */
final class ScratchPool {

    /**
     * The size of every array: at least Tomcat's default upgraded read buffer (8 KiB), so one read empties what the
     * container has buffered (see {@link WebConnectionTransport}).
     */
    static final int SIZE = 16 * 1024;
    /** The most arrays kept for reuse (1 MiB). */
    static final int KEPT = 64;

    /**
     * The size of every direct piece: 256 KiB and room for a frame header (at most 14 bytes), so a frame whose payload
     * is a multiple of 256 KiB fills whole pieces, with no last write of its header's length.
     */
    static final int PIECE = 256 * 1024 + 16;
    /** The most direct pieces kept for reuse (2 MiB). */
    static final int PIECES_KEPT = 8;

    private static final Shelf<byte[]> FREE = new Shelf<>(KEPT);
    private static final Shelf<ByteBuffer> FREE_PIECES = new Shelf<>(PIECES_KEPT);

    private ScratchPool() {
    }

    /** An array of {@link #SIZE} bytes, whose content is undefined. */
    static byte[] borrow() {
        byte[] array = FREE.take();
        return array != null ? array : new byte[SIZE];
    }

    /** Takes back an array that nobody uses any more; one not from this pool is ignored. */
    static void giveBack(byte[] array) {
        if (array.length == SIZE) {
            FREE.put(array);
        }
    }

    /** A cleared direct buffer of {@link #PIECE} bytes, whose content is undefined. */
    static ByteBuffer borrowPiece() {
        ByteBuffer piece = FREE_PIECES.take();
        return piece != null ? piece.clear() : ByteBuffer.allocateDirect(PIECE);
    }

    /** Takes back a piece nobody uses any more; one not from this pool is ignored. */
    static void giveBackPiece(ByteBuffer piece) {
        if (piece.isDirect() && piece.capacity() == PIECE) {
            FREE_PIECES.put(piece);
        }
    }

    /**
     * At most a fixed number of things kept for reuse, in slots: {@link #take} empties the first full slot,
     * {@link #put} fills the first empty one or drops the thing when none is. Thread safe.
     */
    static final class Shelf<T> {
        private final AtomicReferenceArray<T> slots;

        Shelf(int size) {
            slots = new AtomicReferenceArray<>(size);
        }

        /** A kept thing, or null when none is. */
        T take() {
            for (int i = 0; i < slots.length(); i++) {
                T kept = slots.get(i);
                if (kept != null && slots.compareAndSet(i, kept, null)) {
                    return kept;
                }
            }
            return null;
        }

        /** Keeps {@code thing}, which nobody uses any more, if a slot is free. */
        void put(T thing) {
            for (int i = 0; i < slots.length(); i++) {
                if (slots.get(i) == null && slots.compareAndSet(i, null, thing)) {
                    return;
                }
            }
        }
    }
}
