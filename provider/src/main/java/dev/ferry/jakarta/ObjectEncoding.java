package dev.ferry.jakarta;

import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;

/**
 * How {@code sendObject} turns an object into a message: the session's configured encoders first (the first whose
 * type the object is an instance of), then the built-ins: {@code String}, primitives and boxed primitives as text
 * ({@code toString()}), {@code ByteBuffer} and {@code byte[]} as binary.
 *
 * <p>Stateless; thread safe as far as the encoders are.
 */
final class ObjectEncoding {

    /** An encoded message held in memory. */
    record Encoded(boolean text, ByteBuffer data) { }

    private ObjectEncoding() {
    }

    /**
     * Encodes {@code object} in memory (stream encoders write into a buffer).
     *
     * @throws EncodeException when no encoder takes it, or the encoder fails
     */
    static Encoded encode(Codecs codecs, Object object) throws EncodeException, IOException {
        if (object == null) {
            throw new IllegalArgumentException("cannot send a null object");
        }
        Codecs.EncoderEntry entry = codecs.encoderFor(object);
        if (entry != null) {
            return switch (entry.shape()) {
                case TEXT -> new Encoded(true, Utf8Parts.utf8(textEncoder(entry).encode(object)));
                case TEXT_STREAM -> {
                    StringWriter writer = new StringWriter();
                    textStreamEncoder(entry).encode(object, writer);
                    yield new Encoded(true, Utf8Parts.utf8(writer.getBuffer()));
                }
                case BINARY -> new Encoded(false, binaryEncoder(entry).encode(object));
                case BINARY_STREAM -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    binaryStreamEncoder(entry).encode(object, out);
                    yield new Encoded(false, ByteBuffer.wrap(out.toByteArray()));
                }
            };
        }
        if (object instanceof String || PrimitiveDecoders.supports(object.getClass())) {
            return new Encoded(true, Utf8Parts.utf8(object.toString()));
        } else if (object instanceof ByteBuffer bytes) {
            return new Encoded(false, bytes);
        } else if (object instanceof byte[] bytes) {
            return new Encoded(false, ByteBuffer.wrap(bytes));
        }
        throw new EncodeException(object, "no encoder is configured for " + object.getClass().getName()
                + " and it is not a String, a primitive, a ByteBuffer or a byte[]");
    }

    @SuppressWarnings("unchecked")
    static Encoder.Text<Object> textEncoder(Codecs.EncoderEntry entry) {
        return (Encoder.Text<Object>) entry.encoder();
    }

    @SuppressWarnings("unchecked")
    static Encoder.TextStream<Object> textStreamEncoder(Codecs.EncoderEntry entry) {
        return (Encoder.TextStream<Object>) entry.encoder();
    }

    @SuppressWarnings("unchecked")
    static Encoder.Binary<Object> binaryEncoder(Codecs.EncoderEntry entry) {
        return (Encoder.Binary<Object>) entry.encoder();
    }

    @SuppressWarnings("unchecked")
    static Encoder.BinaryStream<Object> binaryStreamEncoder(Codecs.EncoderEntry entry) {
        return (Encoder.BinaryStream<Object>) entry.encoder();
    }
}
