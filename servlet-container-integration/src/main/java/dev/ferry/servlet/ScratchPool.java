package dev.ferry.servlet;

import dev.ferry.transport.Shelf;
import java.nio.ByteBuffer;

/**
 * Byte arrays of one size, lent to the servlet transports while they read or copy, so an idle connection holds
 * none. The pool keeps at most {@link #KEPT} arrays; an array given back beyond that, or of another size, is left to
 * the garbage collector. An array a container keeps (a pending non-blocking write) is simply never given back.
 *
 * <p>Beside them, direct buffers of {@link #PIECE} bytes ({@link #borrowPiece}), for large writes to a container that
 * writes a direct buffer in one go (see {@code WebConnectionTransport}, "Writing"); at most {@link #PIECES_KEPT} are
 * kept. A piece the container still holds is given back only once it is done with it.
 *
 * <p>Both are kept on {@link Shelf}s, so lending and taking back, which every read of a busy connection does, allocate
 * nothing.
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
}
