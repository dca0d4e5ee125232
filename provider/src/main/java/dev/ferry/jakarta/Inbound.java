package dev.ferry.jakarta;

import dev.ferry.jakarta.MessageHandlers.Form;
import dev.ferry.jakarta.MessageHandlers.Kind;
import dev.ferry.jakarta.MessageHandlers.Registration;
import dev.ferry.jakarta.pojo.SizeLimitedHandler;
import dev.ferry.protocol.BufferType;
import jakarta.websocket.MessageHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The receive path of one session: turns the handle's chunks into calls on the registered message handler.
 *
 * <p>Theory of operation: a message's handler is chosen when its first chunk arrives (a handler added or
 * removed mid-message applies from the next message). Whole forms buffer the message, bounded by the session's
 * max text or binary buffer size in bytes (UTF-8 for text; over it: close 1009), and deliver it at the last chunk.
 * A message in several chunks is gathered in one array sized, when it first grows, for as much of the message as the
 * frame's header declared (at most the limit; doubling only past what is known), so the final frame of a large message
 * needs no regrowth, and an array its message fills exactly is handed out as it is, without a last copy.
 * Partial forms deliver every chunk. Stream forms hand the handler a {@link ChunkPipe} on the first chunk and feed it
 * as chunks come; a stream decoder's handler may bound the message ({@link SizeLimitedHandler}), counted as it comes.
 * Every delivery runs on the session's serial executor; {@link #onChunk} answers false whenever a delivery is
 * pending, and the session resumes reading when the handler returns, so one endpoint sees one message at a time
 * and nothing more is read while it is busy.
 *
 * <p>Thread contract: {@link #onChunk} and {@link #onPong} run on the connection's loop thread (never
 * concurrently); {@link #connectionClosed} runs once on the same thread.
 */
final class Inbound {

    /** Bytes a stream handler may have waiting before reading pauses. */
    static final int STREAM_BUFFER = 64 << 10;
    /** The buffer of a session that has not had to assemble a message (nothing to change in it: it is shared). */
    private static final byte[] NO_BYTES = new byte[0];
    /** The most a message buffer grows ahead of the bytes received on a frame header's declared length alone. */
    static final int AHEAD_CREDIT = 1 << 20;

    private final JakartaSession session;
    private final MessageHandlers handlers;

    // The message in progress.
    private boolean inMessage;
    private Registration registration;
    private byte[] buffer = NO_BYTES;
    private int length;
    private CharsetDecoder partialText;
    private ByteBuffer carry;
    private ChunkPipe pipe;
    private long streamLimit; // bytes a stream decoder may read of this message; 0 or less: unbounded
    private long streamed;

    Inbound(JakartaSession session, MessageHandlers handlers) {
        this.session = session;
        this.handlers = handlers;
    }

    /** A Pong arrived. Returns whether the connection may read on at once. */
    boolean onPong(ByteBuffer data) {
        Registration pong = handlers.forKind(Kind.PONG);
        if (pong == null) {
            return true;
        }
        JakartaPongMessage message = JakartaPongMessage.copyOf(data);
        session.deliver(() -> whole(pong.handler()).onMessage(message), true);
        return false;
    }

    /** A data chunk arrived. Returns whether the connection may read on at once. */
    boolean onChunk(BufferType type, ByteBuffer data) {
        boolean last = type.isFinal();
        if (!inMessage) {
            inMessage = true;
            registration = handlers.forKind(type.isText() ? Kind.TEXT : Kind.BINARY);
            length = 0;
            partialText = null;
            carry = null;
            pipe = null;
        }
        if (last) {
            inMessage = false;
        }
        if (registration == null) {
            return true; // no handler for this kind: the message is dropped
        }
        Registration target = registration;
        if (target.partial()) {
            return partial(target, type.isText(), data, last);
        }
        return switch (target.form()) {
            case READER, INPUT_STREAM, DECODED_STREAM -> stream(target, type.isText(), data, last);
            case STRING, PRIMITIVE, BYTE_BUFFER, BYTE_ARRAY, DECODED -> buffered(target, type.isText(), data, last);
            case PONG -> throw new AssertionError("a pong handler registered for data");
        };
    }

    /**
     * The connection ended: a stream handler still reading sees the exception {@code cause} makes (made only then:
     * most connections end between messages, and an exception's stack trace is not free).
     */
    void connectionClosed(java.util.function.Supplier<IOException> cause) {
        if (pipe != null) {
            pipe.fail(cause.get());
        }
    }

    private boolean buffered(Registration target, boolean text, ByteBuffer data, boolean last) {
        long limit = text ? session.getMaxTextMessageBufferSize() : session.getMaxBinaryMessageBufferSize();
        if ((long) length + data.remaining() > limit) {
            registration = null; // drop the rest of it
            session.messageTooBig(text, limit);
            return true;
        }
        byte[] bytes;
        if (length == 0 && last) {
            // A message in one piece, most are: copied once, and the session keeps no buffer for it.
            bytes = new byte[data.remaining()];
            data.get(data.position(), bytes); // absolute: no view of data to allocate
        } else {
            append(data, limit);
            if (!last) {
                return true;
            }
            // Filled exactly (its size was known): the array itself is the message, and the session lets it go.
            bytes = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
            length = 0;
            if (bytes == buffer || buffer.length > STREAM_BUFFER) {
                buffer = NO_BYTES; // do not pin a large buffer between messages
            }
        }
        if (text) {
            String message = new String(bytes, StandardCharsets.UTF_8);
            session.deliver(() -> whole(target.handler()).onMessage(decodeText(target, message)), true);
        } else {
            session.deliver(() -> whole(target.handler()).onMessage(decodeBinary(target, bytes)), true);
        }
        return false;
    }

    private static Object decodeText(Registration target, String message) throws Exception {
        return switch (target.form()) {
            case STRING -> message;
            case PRIMITIVE -> PrimitiveDecoders.decode(target.type(), message);
            case DECODED -> Codecs.decodeText(target.decoders(), target.type(), message);
            default -> throw new AssertionError(target.form());
        };
    }

    private static Object decodeBinary(Registration target, byte[] bytes) throws Exception {
        return switch (target.form()) {
            case BYTE_BUFFER -> ByteBuffer.wrap(bytes);
            case BYTE_ARRAY -> bytes;
            case DECODED -> Codecs.decodeBinary(target.decoders(), target.type(), ByteBuffer.wrap(bytes));
            default -> throw new AssertionError(target.form());
        };
    }

    private boolean partial(Registration target, boolean text, ByteBuffer data, boolean last) {
        MessageHandler.Partial<Object> handler = partialHandler(target.handler());
        Object part;
        if (text) {
            String decoded = decodePart(data, last);
            if (decoded.isEmpty() && !last) {
                return true; // only part of a UTF-8 sequence so far
            }
            part = decoded;
        } else {
            byte[] bytes = new byte[data.remaining()];
            data.get(data.position(), bytes);
            part = target.form() == Form.BYTE_ARRAY ? bytes : ByteBuffer.wrap(bytes);
        }
        session.deliver(() -> handler.onMessage(part, last), true);
        return false;
    }

    private String decodePart(ByteBuffer data, boolean last) {
        if (partialText == null) {
            partialText = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }
        ByteBuffer input = data;
        if (carry != null && carry.hasRemaining()) {
            input = ByteBuffer.allocate(carry.remaining() + data.remaining()).put(carry).put(data.duplicate()).flip();
        } else {
            input = data.duplicate();
        }
        CharBuffer out = CharBuffer.allocate(input.remaining() + 1);
        partialText.decode(input, out, last);
        if (last) {
            partialText.flush(out);
        }
        carry = input.hasRemaining() ? ByteBuffer.allocate(input.remaining()).put(input).flip() : null;
        return out.flip().toString();
    }

    private boolean stream(Registration target, boolean text, ByteBuffer data, boolean last) {
        if (pipe == null) {
            ChunkPipe opened = new ChunkPipe(STREAM_BUFFER, session::resumeReceiving);
            pipe = opened;
            streamed = 0;
            streamLimit = target.form() == Form.DECODED_STREAM && target.handler() instanceof SizeLimitedHandler limited
                    ? limited.maxMessageSize() : 0;
            session.deliver(() -> {
                try {
                    runStream(target, opened);
                } finally {
                    if (opened.abandon()) {
                        session.resumeReceiving();
                    }
                }
            }, false);
        }
        streamed += data.remaining();
        if (streamLimit > 0 && streamed > streamLimit) {
            pipe.fail(new IOException("the message is larger than " + streamLimit + " bytes (@OnMessage"
                    + " maxMessageSize); the session closes with 1009 (RFC 6455 §7.4.1)"));
            pipe = null;
            registration = null; // drop the rest of it
            session.messageTooBig(text, streamLimit);
            return true;
        }
        boolean goOn = pipe.offer(data);
        if (!last) {
            return goOn;
        }
        ChunkPipe finished = pipe;
        pipe = null;
        return finished.end();
    }

    private static void runStream(Registration target, ChunkPipe pipe) throws Exception {
        InputStream input = pipe.input();
        MessageHandler.Whole<Object> handler = whole(target.handler());
        switch (target.form()) {
            case READER -> handler.onMessage(reader(input));
            case INPUT_STREAM -> handler.onMessage(input);
            case DECODED_STREAM ->
                    handler.onMessage(Codecs.decodeStream(target.decoders().get(0), reader(input), input));
            default -> throw new AssertionError(target.form());
        }
    }

    private static Reader reader(InputStream input) {
        return new InputStreamReader(input, StandardCharsets.UTF_8);
    }

    /** Adds a chunk of a message of at most {@code limit} bytes (the caller checked that it fits). */
    private void append(ByteBuffer data, long limit) {
        int n = data.remaining();
        int needed = length + n;
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, capacity(needed, limit));
        }
        data.get(data.position(), buffer, length, n);
        length = needed;
    }

    /**
     * The size to grow the buffer to: {@code needed} plus what the frame's header says is still coming (the whole
     * message when this is its final frame), or, past what is known, twice the old size; never over {@code limit}.
     * A header's word alone buys at most {@link #AHEAD_CREDIT} or {@code needed} bytes beyond what came, whichever is
     * more (as much as doubling would), so a peer that declares a long frame and stalls cannot make the session hold
     * the whole message bound for a few bytes sent; a larger message reaches its exact size in a few growths.
     */
    private int capacity(int needed, long limit) {
        long known = needed + Math.min(session.receiveBytesAhead(), Math.max(needed, AHEAD_CREDIT));
        long size = known > needed ? known : Math.max(needed, buffer.length * 2L);
        return (int) Math.max(needed, Math.min(size, Math.min(limit, Integer.MAX_VALUE - 8)));
    }

    @SuppressWarnings("unchecked")
    private static MessageHandler.Whole<Object> whole(MessageHandler handler) {
        return (MessageHandler.Whole<Object>) handler;
    }

    @SuppressWarnings("unchecked")
    private static MessageHandler.Partial<Object> partialHandler(MessageHandler handler) {
        return (MessageHandler.Partial<Object>) handler;
    }
}
