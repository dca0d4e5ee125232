package dev.ferry.jakarta.pojo;

/**
 * A message handler that carries its own {@code @OnMessage(maxMessageSize)}, for the one form the endpoint cannot
 * count itself: a decoded parameter read by a {@code Decoder.TextStream} or {@code Decoder.BinaryStream}, where the
 * decoder reads the message inside the session. The session counts such a message as it arrives, in bytes (UTF-8
 * for text), and over the limit closes with 1009 (RFC 6455 §7.4.1); the decoder's stream then fails with an
 * {@code IOException}. For the other forms the session ignores it.
 */
public interface SizeLimitedHandler {

    /** The largest message in bytes (UTF-8 for text); 0 or less: no limit of its own. */
    long maxMessageSize();
}
