package dev.ferry.jakarta;

import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One session's message handlers: at most one per native message kind (text, binary, pong), as the spec
 * requires ({@code Session.addMessageHandler}).
 *
 * <p>How a handler's type maps to a kind and a delivery form:
 * <pre>
 * type                          Whole                        Partial
 * String                        TEXT, whole string           TEXT, string parts
 * Reader                        TEXT, stream                 -
 * primitive or boxed            TEXT, built-in decoder       -
 * ByteBuffer, byte[]            BINARY, whole                BINARY, parts
 * InputStream                   BINARY, stream               -
 * PongMessage                   PONG                         -
 * other T with decoders         TEXT or BINARY by the first configured decoder for T; streamed when T's only
 *                               decoder of that kind is a stream decoder, else the willDecode chain
 * </pre>
 * A configured decoder wins over the native forms: a {@code Whole<Reader>} handler on an endpoint with a
 * {@code Decoder.Text<Reader>} gets what that decoder makes of the text message, not the frames as a stream
 * (the application asked for its decoder; the TCK's {@code session11} client tests rely on this). Only
 * {@code PongMessage} is never decoded.
 * Anything else is refused with {@code IllegalStateException}, as is a second handler for a kind already taken.
 *
 * <p>Thread contract: thread safe: changes are serialized on this object's monitor, lookups read without it; the
 * receive path takes a snapshot of the registration when a message starts.
 */
final class MessageHandlers {

    enum Kind { TEXT, BINARY, PONG }

    /** How a message reaches the handler. */
    enum Form { STRING, READER, BYTE_BUFFER, BYTE_ARRAY, INPUT_STREAM, PONG, PRIMITIVE, DECODED, DECODED_STREAM }

    /**
     * One registered handler.
     *
     * @param decoders for DECODED and DECODED_STREAM: the candidate decoders (a single stream decoder for the
     *                 latter)
     */
    record Registration(MessageHandler handler, Class<?> type, boolean partial, Kind kind, Form form,
                        List<Codecs.DecoderEntry> decoders) { }

    private final Codecs codecs;
    // One field per kind rather than an EnumMap (72 bytes a session more); written under this object's monitor,
    // read without it.
    private volatile Registration text;
    private volatile Registration binary;
    private volatile Registration pong;

    MessageHandlers(Codecs codecs) {
        this.codecs = codecs;
    }

    /** {@code addMessageHandler(MessageHandler)}: the type comes from the handler's generic signature. */
    void add(MessageHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("message handler must not be null");
        }
        boolean partial = handler instanceof MessageHandler.Partial<?>;
        if (!partial && !(handler instanceof MessageHandler.Whole<?>)) {
            throw new IllegalArgumentException("message handler " + handler.getClass().getName()
                    + " implements neither MessageHandler.Whole nor MessageHandler.Partial");
        }
        Class<?> type = GenericTypes.typeArgument(handler.getClass(),
                partial ? MessageHandler.Partial.class : MessageHandler.Whole.class);
        if (type == null) {
            throw new IllegalStateException("cannot tell which message type " + handler.getClass().getName()
                    + " handles (a lambda or a raw type); use addMessageHandler(Class, handler) instead");
        }
        add(type, handler, partial);
    }

    /** {@code addMessageHandler(Class, Whole)} and {@code (Class, Partial)}. */
    void add(Class<?> type, MessageHandler handler, boolean partial) {
        if (type == null || handler == null) {
            throw new IllegalArgumentException("message type and handler must not be null");
        }
        Registration registration = partial ? partialRegistration(type, handler) : wholeRegistration(type, handler);
        synchronized (this) {
            Registration existing = forKind(registration.kind());
            if (existing != null) {
                throw new IllegalStateException("a " + registration.kind().name().toLowerCase()
                        + " message handler is already registered (" + existing.handler().getClass().getName()
                        + " for " + existing.type().getName() + "); a session has at most one per message type"
                        + " (Session.addMessageHandler)");
            }
            set(registration.kind(), registration);
        }
    }

    private Registration partialRegistration(Class<?> type, MessageHandler handler) {
        if (type == String.class) {
            return new Registration(handler, type, true, Kind.TEXT, Form.STRING, List.of());
        } else if (type == ByteBuffer.class) {
            return new Registration(handler, type, true, Kind.BINARY, Form.BYTE_BUFFER, List.of());
        } else if (type == byte[].class) {
            return new Registration(handler, type, true, Kind.BINARY, Form.BYTE_ARRAY, List.of());
        }
        throw new IllegalStateException("a MessageHandler.Partial takes String, ByteBuffer or byte[], not "
                + type.getName());
    }

    private Registration wholeRegistration(Class<?> type, MessageHandler handler) {
        Form native_ = nativeForm(type);
        if (native_ == Form.PONG) {
            return new Registration(handler, type, false, Kind.PONG, native_, List.of());
        }
        List<Codecs.DecoderEntry> text = codecs.decodersFor(type, true);
        List<Codecs.DecoderEntry> binary = codecs.decodersFor(type, false);
        if (native_ != null && text.isEmpty() && binary.isEmpty()) {
            Kind kind = native_ == Form.STRING || native_ == Form.READER ? Kind.TEXT : Kind.BINARY;
            return new Registration(handler, type, false, kind, native_, List.of());
        }
        boolean textFirst = !text.isEmpty() && (binary.isEmpty() || firstIndex(text) < firstIndex(binary));
        if (!text.isEmpty() || !binary.isEmpty()) {
            List<Codecs.DecoderEntry> chosen = textFirst ? text : binary;
            Kind kind = textFirst ? Kind.TEXT : Kind.BINARY;
            boolean streamed = chosen.size() == 1
                    && (chosen.get(0).shape() == Codecs.Shape.TEXT_STREAM
                        || chosen.get(0).shape() == Codecs.Shape.BINARY_STREAM);
            return new Registration(handler, type, false, kind, streamed ? Form.DECODED_STREAM : Form.DECODED,
                    chosen);
        }
        if (PrimitiveDecoders.supports(type)) {
            return new Registration(handler, type, false, Kind.TEXT, Form.PRIMITIVE, List.of());
        }
        throw new IllegalStateException("no decoder is configured for message type " + type.getName()
                + " of handler " + handler.getClass().getName() + ", and it is not a type with a built-in decoder");
    }

    private int firstIndex(List<Codecs.DecoderEntry> entries) {
        return entries.isEmpty() ? Integer.MAX_VALUE : codecs.order(entries.get(0));
    }

    private static Form nativeForm(Class<?> type) {
        if (type == String.class) {
            return Form.STRING;
        } else if (type == Reader.class) {
            return Form.READER;
        } else if (type == ByteBuffer.class) {
            return Form.BYTE_BUFFER;
        } else if (type == byte[].class) {
            return Form.BYTE_ARRAY;
        } else if (type == InputStream.class) {
            return Form.INPUT_STREAM;
        } else if (type == PongMessage.class) {
            return Form.PONG;
        }
        return null;
    }

    /** {@code removeMessageHandler}: a handler not registered is ignored. */
    void remove(MessageHandler handler) {
        synchronized (this) {
            for (Kind kind : Kind.values()) {
                Registration registration = forKind(kind);
                if (registration != null && registration.handler() == handler) {
                    set(kind, null);
                }
            }
        }
    }

    /** The handler for {@code kind}, or null. */
    Registration forKind(Kind kind) {
        return switch (kind) {
            case TEXT -> text;
            case BINARY -> binary;
            case PONG -> pong;
        };
    }

    private void set(Kind kind, Registration registration) {
        switch (kind) {
            case TEXT -> text = registration;
            case BINARY -> binary = registration;
            case PONG -> pong = registration;
        }
    }

    /** {@code getMessageHandlers}: an unmodifiable copy, in kind order (text, binary, pong). */
    Set<MessageHandler> all() {
        synchronized (this) {
            Set<MessageHandler> handlers = new LinkedHashSet<>();
            for (Kind kind : Kind.values()) {
                Registration registration = forKind(kind);
                if (registration != null) {
                    handlers.add(registration.handler());
                }
            }
            return java.util.Collections.unmodifiableSet(handlers);
        }
    }
}
