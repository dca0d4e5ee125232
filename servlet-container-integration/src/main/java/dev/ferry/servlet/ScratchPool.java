package dev.ferry.servlet;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Byte arrays of one size, lent to the servlet transports while they read or copy, so an idle connection holds
 * none. The pool keeps at most {@link #KEPT} arrays; an array given back beyond that, or of another size, is left to
 * the garbage collector. An array a container keeps (a pending non-blocking write) is simply never given back.
 *
 * <p>Beside them, direct buffers of {@link #PIECE} bytes ({@link #borrowPiece}), for large writes to a container that
 * writes a direct buffer in one go (see {@code WebConnectionTransport}, "Writing"); at most {@link #PIECES_KEPT} are
 * kept. A piece the container still holds is given back only once it is done with it.
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

    private static final ConcurrentLinkedQueue<byte[]> FREE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger FREE_COUNT = new AtomicInteger();
    private static final ConcurrentLinkedQueue<ByteBuffer> FREE_PIECES = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger FREE_PIECE_COUNT = new AtomicInteger();

    private ScratchPool() {
    }

    /** An array of {@link #SIZE} bytes, whose content is undefined. */
    static byte[] borrow() {
        byte[] array = FREE.poll();
        if (array == null) {
            return new byte[SIZE];
        }
        FREE_COUNT.decrementAndGet();
        return array;
    }

    /** Takes back an array that nobody uses any more; one not from this pool is ignored. */
    static void giveBack(byte[] array) {
        if (array.length == SIZE && FREE_COUNT.incrementAndGet() <= KEPT) {
            FREE.offer(array);
        } else if (array.length == SIZE) {
            FREE_COUNT.decrementAndGet();
        }
    }

    /** A cleared direct buffer of {@link #PIECE} bytes, whose content is undefined. */
    static ByteBuffer borrowPiece() {
        ByteBuffer piece = FREE_PIECES.poll();
        if (piece == null) {
            return ByteBuffer.allocateDirect(PIECE);
        }
        FREE_PIECE_COUNT.decrementAndGet();
        return piece.clear();
    }

    /** Takes back a piece nobody uses any more; one not from this pool is ignored. */
    static void giveBackPiece(ByteBuffer piece) {
        if (!piece.isDirect() || piece.capacity() != PIECE) {
            return;
        }
        if (FREE_PIECE_COUNT.incrementAndGet() <= PIECES_KEPT) {
            FREE_PIECES.offer(piece);
        } else {
            FREE_PIECE_COUNT.decrementAndGet();
        }
    }
}
