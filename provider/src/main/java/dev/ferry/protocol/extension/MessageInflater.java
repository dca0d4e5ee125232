package dev.ferry.protocol.extension;

import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.InvalidProtocolFormatException;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving half of permessage-deflate on one connection: inflates each incoming compressed
 * message, pulled one output chunk at a time (RFC 7692 §7.2.2).
 *
 * <p>Not thread-safe: {@link PerMessageDeflateExtension} calls it under the handle's lock.
 *
 * <p>Theory of operation. The handle supplies a message's payload piece by piece with
 * {@link #supply}; {@link #inflate} writes at most the room its output buffer has and leaves the rest in
 * zlib, so a small payload that expands enormously (a compression bomb) never occupies more than the
 * caller's chunk. After the last piece the tail {@code 00 00 ff ff} that the sender removed is inflated
 * too. States:
 *
 * <pre>
 *   AWAITING_INPUT --supply--> INFLATING --input used up, more to come--> AWAITING_INPUT
 *                                  |
 *                                  +--input used up, end of message--> TAIL --used up--> AWAITING_INPUT
 *   any --bad data--> FAILED        (message ends: reset the Inflater unless context takeover applies)
 * </pre>
 *
 * <p>Two cases of the tail are read leniently, because appending it would leave zlib inside a stored
 * block that never ends and so corrupt the context for the next message: a message whose payload is
 * empty (a sender with nothing to flush; it inflates to the empty message) and a message whose payload
 * already ends with {@code 00 00 ff ff} (a sender that did not strip it). A compliant sender's payload
 * ends with a byte whose top bit is 0 (the padding after the empty block's header), so neither case is
 * ambiguous. A block with BFINAL set (RFC 7692 §7.2.3.3) ends zlib's stream; inflating resumes with a
 * fresh stream on the bytes after it, and the context is dropped at the end of that message.
 *
 * <p>Buffers: a supplied piece is read in place (not copied); its position advances as it is inflated,
 * and the caller must leave it untouched until {@link #needsInput()} is true again.
 */
final class MessageInflater {

    private enum State { AWAITING_INPUT, INFLATING, TAIL, FAILED }

    private static final byte[] NO_BYTES = {};

    private final Zlib zlib;
    private final boolean contextTakeover;

    private Inflater inflater;
    private ByteBuffer tail;
    private State state = State.AWAITING_INPUT;
    private boolean released;

    private ByteBuffer input;
    private boolean endOfMessage;
    private long messageLength;
    /** The last four payload bytes of the current message, oldest in the top byte. */
    private int lastFour;
    private boolean streamEnded;

    /** @param contextTakeover the peer may refer to earlier messages (RFC 7692 §7.1.1) */
    MessageInflater(Zlib zlib, boolean contextTakeover) {
        this.zlib = zlib;
        this.contextTakeover = contextTakeover;
    }

    /** Whether all input supplied so far has been inflated; only then may {@link #supply} be called. */
    boolean needsInput() {
        return state == State.AWAITING_INPUT;
    }

    /**
     * Supplies the next piece of the current message's compressed payload.
     *
     * @param piece        payload bytes (position to limit), read in place
     * @param endOfMessage whether this is the message's last piece
     */
    void supply(ByteBuffer piece, boolean endOfMessage) {
        if (released) {
            throw new IllegalStateException("permessage-deflate was released, cannot decode");
        }
        if (state != State.AWAITING_INPUT) {
            throw new IllegalStateException("expected decodeInput only when needsInput() is true, but the extension"
                    + " is " + state + " (supply the next piece after decode returned 0)");
        }
        for (int i = Math.max(piece.position(), piece.limit() - 4); i < piece.limit(); i++) {
            lastFour = (lastFour << 8) | (piece.get(i) & 0xff);
        }
        messageLength += piece.remaining();
        this.input = piece;
        this.endOfMessage = endOfMessage;
        inflater().setInput(piece);
        state = State.INFLATING;
    }

    /**
     * Inflates into {@code out}, at most {@code out.remaining()} bytes.
     *
     * @return the number of bytes written; 0 once every supplied byte is inflated ({@link #needsInput()})
     * @throws InvalidProtocolFormatException with close 1007 when the payload is not valid DEFLATE data
     */
    int inflate(ByteBuffer out) {
        if (released) {
            throw new IllegalStateException("permessage-deflate was released, cannot decode");
        }
        if (!out.hasRemaining()) {
            throw new IllegalArgumentException("expected an output buffer with room, got " + out);
        }
        if (state == State.FAILED) {
            throw new IllegalStateException("permessage-deflate already failed on undecodable data");
        }
        while (state != State.AWAITING_INPUT) {
            int written = inflateOnce(out);
            if (written > 0) {
                // zlib stopped with room left, so it used up its input or ended its stream. The usual case, the input
                // used up, moves on now instead of in one more call into zlib that could only return 0.
                if (out.hasRemaining() && inflater.needsInput() && !inflater.finished()) {
                    advance();
                }
                return written;
            }
            if (inflater.finished()) {
                restartAfterFinalBlock();
            } else if (inflater.needsInput()) {
                advance();
            } else {
                state = State.FAILED;
                throw undecodable("zlib made no progress with room to write and input left");
            }
        }
        return 0;
    }

    /** Ends the {@link Inflater}, if one was created. Idempotent. */
    void release() {
        released = true;
        input = null;
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }

    /** Whether an {@link Inflater} exists now (it is created on the first message, ended by release). */
    boolean hasZlibStream() {
        return inflater != null;
    }

    private Inflater inflater() {
        if (inflater == null) {
            inflater = zlib.newInflater();
            tail = ByteBuffer.wrap(MessageDeflater.TAIL.clone());
        }
        return inflater;
    }

    private int inflateOnce(ByteBuffer out) {
        try {
            return inflater.inflate(out);
        } catch (DataFormatException e) {
            state = State.FAILED;
            throw undecodable(e.getMessage());
        }
    }

    /** The current input is used up: wait for more, inflate the tail, or end the message. */
    private void advance() {
        if (state == State.INFLATING && !endOfMessage) {
            // Keep no reference to the used-up piece: the caller's buffer may be pooled memory lent elsewhere next.
            inflater.setInput(NO_BYTES);
            input = null;
            state = State.AWAITING_INPUT;
        } else if (state == State.INFLATING && messageLength > 0 && !endsWithTail()) {
            state = State.TAIL; // RFC 7692 §7.2.2: append 00 00 ff ff to the payload
            inflater.setInput(tail.clear());
        } else {
            endMessage();
        }
    }

    private boolean endsWithTail() {
        return messageLength >= MessageDeflater.TAIL.length && lastFour == 0x0000ffff;
    }

    /** A block with BFINAL ended zlib's stream (RFC 7692 §7.2.3.3): inflate what follows as a new one. */
    private void restartAfterFinalBlock() {
        streamEnded = true;
        inflater.reset();
        inflater.setInput(state == State.TAIL ? tail : input);
    }

    private void endMessage() {
        if (!contextTakeover || streamEnded) {
            inflater.reset();
        }
        inflater.setInput(NO_BYTES); // do not keep a reference to the caller's buffer
        input = null;
        messageLength = 0;
        lastFour = 0;
        streamEnded = false;
        state = State.AWAITING_INPUT;
    }

    private static InvalidProtocolFormatException undecodable(String detail) {
        return new InvalidProtocolFormatException(CloseStatus.INVALID_PAYLOAD,
                "expected a DEFLATE stream in a message with RSV1 set, got undecodable data (" + detail
                        + ") (RFC 7692 §7.2.2)");
    }
}
