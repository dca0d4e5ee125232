package dev.ferry.jakarta;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import jakarta.websocket.EndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's encoder and decoder instances, made from its {@link EndpointConfig}'s classes: each is
 * created and {@code init}-ed when the session opens and {@code destroy}-ed when it closes.
 *
 * <p>Decoding follows the spec's chain: for a message bound for type {@code T}, the decoders for {@code T} (or a
 * subtype) of the message's kind are tried in the configured order, and the first whose {@code willDecode}
 * answers true decodes it (stream decoders have no {@code willDecode} and always accept). Encoding takes the
 * first configured encoder whose type the object is an instance of.
 *
 * <p>Thread contract: lookups may run on any thread; {@link #destroy()} runs once, after the last callback.
 */
final class Codecs {

    private static final System.Logger LOG = System.getLogger(Codecs.class.getName());

    /** The four decoder and encoder shapes. */
    enum Shape { TEXT, TEXT_STREAM, BINARY, BINARY_STREAM;
        boolean isText() {
            return this == TEXT || this == TEXT_STREAM;
        }
    }

    record DecoderEntry(Decoder decoder, Class<?> type, Shape shape) { }

    record EncoderEntry(Encoder encoder, Class<?> type, Shape shape) { }

    /** No encoders and no decoders: immutable, so every session without any shares it. */
    private static final Codecs NONE = new Codecs(List.of(), List.of());

    private final List<DecoderEntry> decoders;
    private final List<EncoderEntry> encoders;

    private Codecs(List<DecoderEntry> decoders, List<EncoderEntry> encoders) {
        this.decoders = decoders;
        this.encoders = encoders;
    }

    /**
     * Instantiates and initializes the configured encoders and decoders.
     *
     * @throws IllegalArgumentException naming the class that could not be created or whose type is unknown
     */
    static Codecs create(EndpointConfig config) {
        if (config.getDecoders().isEmpty() && config.getEncoders().isEmpty()) {
            return NONE; // most endpoints: nothing to make or keep per session
        }
        List<DecoderEntry> decoders = new ArrayList<>();
        for (Class<? extends Decoder> type : config.getDecoders()) {
            Decoder decoder = instantiate(type);
            decoders.add(new DecoderEntry(decoder, decodedType(type), decoderShape(type)));
            decoder.init(config);
        }
        List<EncoderEntry> encoders = new ArrayList<>();
        for (Class<? extends Encoder> type : config.getEncoders()) {
            Encoder encoder = instantiate(type);
            encoders.add(new EncoderEntry(encoder, encodedType(type), encoderShape(type)));
            encoder.init(config);
        }
        return new Codecs(List.copyOf(decoders), List.copyOf(encoders));
    }

    /** The class a decoder class produces, as bound to its {@code Decoder.*} interface. */
    static Class<?> decodedType(Class<? extends Decoder> type) {
        Shape shape = decoderShape(type);
        Class<?> target = switch (shape) {
            case TEXT -> Decoder.Text.class;
            case TEXT_STREAM -> Decoder.TextStream.class;
            case BINARY -> Decoder.Binary.class;
            case BINARY_STREAM -> Decoder.BinaryStream.class;
        };
        Class<?> decoded = GenericTypes.typeArgument(type, target);
        if (decoded == null) {
            throw new IllegalArgumentException("cannot tell which type decoder " + type.getName()
                    + " produces: it must bind the type argument of " + target.getName());
        }
        return decoded;
    }

    static Shape decoderShape(Class<?> type) {
        if (Decoder.Text.class.isAssignableFrom(type)) {
            return Shape.TEXT;
        } else if (Decoder.TextStream.class.isAssignableFrom(type)) {
            return Shape.TEXT_STREAM;
        } else if (Decoder.Binary.class.isAssignableFrom(type)) {
            return Shape.BINARY;
        } else if (Decoder.BinaryStream.class.isAssignableFrom(type)) {
            return Shape.BINARY_STREAM;
        }
        throw new IllegalArgumentException("decoder " + type.getName() + " implements none of Decoder.Text, "
                + "Decoder.TextStream, Decoder.Binary or Decoder.BinaryStream");
    }

    static Class<?> encodedType(Class<? extends Encoder> type) {
        Shape shape = encoderShape(type);
        Class<?> target = switch (shape) {
            case TEXT -> Encoder.Text.class;
            case TEXT_STREAM -> Encoder.TextStream.class;
            case BINARY -> Encoder.Binary.class;
            case BINARY_STREAM -> Encoder.BinaryStream.class;
        };
        Class<?> encoded = GenericTypes.typeArgument(type, target);
        if (encoded == null) {
            throw new IllegalArgumentException("cannot tell which type encoder " + type.getName()
                    + " takes: it must bind the type argument of " + target.getName());
        }
        return encoded;
    }

    static Shape encoderShape(Class<?> type) {
        if (Encoder.Text.class.isAssignableFrom(type)) {
            return Shape.TEXT;
        } else if (Encoder.TextStream.class.isAssignableFrom(type)) {
            return Shape.TEXT_STREAM;
        } else if (Encoder.Binary.class.isAssignableFrom(type)) {
            return Shape.BINARY;
        } else if (Encoder.BinaryStream.class.isAssignableFrom(type)) {
            return Shape.BINARY_STREAM;
        }
        throw new IllegalArgumentException("encoder " + type.getName() + " implements none of Encoder.Text, "
                + "Encoder.TextStream, Encoder.Binary or Encoder.BinaryStream");
    }

    /** Creates a codec ({@link Instances#create}); a failure is an {@code IllegalArgumentException}. */
    private static <T> T instantiate(Class<T> type) {
        try {
            return Instances.create(type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot create " + type.getName() + ": " + Instances.why(e),
                    Instances.cause(e));
        }
    }

    /** The decoders for {@code type} (or a subtype), in configured order, of text or binary shapes. */
    List<DecoderEntry> decodersFor(Class<?> type, boolean text) {
        List<DecoderEntry> found = null; // made by the first match: most handlers have no decoder
        for (int i = 0; i < decoders.size(); i++) {
            DecoderEntry entry = decoders.get(i);
            if (entry.shape().isText() == text && PrimitiveDecoders.boxed(type).isAssignableFrom(entry.type())) {
                if (found == null) {
                    found = new ArrayList<>(decoders.size() - i);
                }
                found.add(entry);
            }
        }
        return found == null ? List.of() : found;
    }

    /** The position of {@code entry} in the configured decoder list. */
    int order(DecoderEntry entry) {
        return decoders.indexOf(entry);
    }

    /** Runs the text chain of {@code candidates} over a whole message. */
    static Object decodeText(List<DecoderEntry> candidates, Class<?> type, String text)
            throws DecodeException, IOException {
        for (DecoderEntry entry : candidates) {
            if (entry.decoder() instanceof Decoder.Text<?> decoder) {
                if (decoder.willDecode(text)) {
                    return decoder.decode(text);
                }
            } else if (entry.decoder() instanceof Decoder.TextStream<?> decoder) {
                return decoder.decode(new StringReader(text));
            }
        }
        if (PrimitiveDecoders.supports(type)) {
            return PrimitiveDecoders.decode(type, text);
        }
        throw new DecodeException(text, "no decoder for " + type.getName() + " will decode this text message");
    }

    /** Runs the binary chain of {@code candidates} over a whole message. */
    static Object decodeBinary(List<DecoderEntry> candidates, Class<?> type, ByteBuffer bytes)
            throws DecodeException, IOException {
        for (DecoderEntry entry : candidates) {
            if (entry.decoder() instanceof Decoder.Binary<?> decoder) {
                if (decoder.willDecode(bytes.duplicate())) {
                    return decoder.decode(bytes.duplicate());
                }
            } else if (entry.decoder() instanceof Decoder.BinaryStream<?> decoder) {
                return decoder.decode(new java.io.ByteArrayInputStream(bytes.array(),
                        bytes.arrayOffset() + bytes.position(), bytes.remaining()));
            }
        }
        throw new DecodeException(bytes, "no decoder for " + type.getName() + " will decode this binary message");
    }

    /** Decodes a streamed message with the single stream decoder of its handler. */
    static Object decodeStream(DecoderEntry entry, Reader reader, InputStream input)
            throws DecodeException, IOException {
        if (entry.decoder() instanceof Decoder.TextStream<?> decoder) {
            return decoder.decode(reader);
        } else if (entry.decoder() instanceof Decoder.BinaryStream<?> decoder) {
            return decoder.decode(input);
        }
        throw new IllegalStateException("decoder " + entry.decoder().getClass().getName() + " does not stream");
    }

    /** The first configured encoder that takes {@code object}, or null. */
    EncoderEntry encoderFor(Object object) {
        for (EncoderEntry entry : encoders) {
            if (entry.type().isInstance(object)) {
                return entry;
            }
        }
        return null;
    }

    /** Calls {@code destroy} on every encoder and decoder; failures are logged, not thrown. */
    void destroy() {
        if (this == NONE) {
            return;
        }
        for (DecoderEntry entry : decoders) {
            try {
                entry.decoder().destroy();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "decoder " + entry.decoder().getClass().getName()
                        + " failed in destroy()", e);
            }
        }
        for (EncoderEntry entry : encoders) {
            try {
                entry.encoder().destroy();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "encoder " + entry.encoder().getClass().getName()
                        + " failed in destroy()", e);
            }
        }
    }
}
