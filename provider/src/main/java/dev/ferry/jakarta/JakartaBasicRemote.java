package dev.ferry.jakarta;

import dev.ferry.protocol.BufferType;
import jakarta.websocket.EncodeException;
import jakarta.websocket.RemoteEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;

/**
 * Ferry's {@link RemoteEndpoint.Basic}: every send blocks until its frame is written (or batched), at most the
 * session's blocking send timeout (see {@link JakartaSession}; from an endpoint callback that Ferry runs on the
 * connection's I/O thread, a send returns once its frame is queued, see
 * {@link Outbound#sendBlocking(BufferType, ByteBuffer, boolean)}). Sends from several threads queue in order
 * and never interleave: a whole message (or a partial message of the other kind) sent while another thread's
 * partial message is unfinished waits until that message's last part is queued, at most the blocking send timeout
 * (then {@code IllegalStateException}, which the {@code RemoteEndpoint.Basic} Javadoc allows for a busy
 * connection). The thread that sent the last part of an unfinished partial message gets
 * {@code IllegalStateException} at once instead, since it would wait for itself. The parts of a partial message
 * may come from different threads, one after the other.
 *
 * <p>Thread contract: thread safe. Buffers passed in are read during the call and not kept.
 */
final class JakartaBasicRemote implements RemoteEndpoint.Basic {

    private final JakartaSession session;
    private final Outbound outbound;
    private final Utf8Parts partialText = new Utf8Parts();

    JakartaBasicRemote(JakartaSession session) {
        this.session = session;
        this.outbound = session.outbound();
    }

    @Override
    public void sendText(String text) throws IOException {
        requireArgument(text, "text");
        outbound.sendBlocking(BufferType.UTF8_MESSAGE, Utf8Parts.utf8(text), false, true);
    }

    @Override
    public void sendBinary(ByteBuffer data) throws IOException {
        requireArgument(data, "data");
        outbound.sendBlocking(BufferType.BINARY_MESSAGE, data, false);
    }

    @Override
    public void sendText(String partialMessage, boolean isLast) throws IOException {
        requireArgument(partialMessage, "partialMessage");
        ByteBuffer bytes;
        synchronized (partialText) {
            bytes = partialText.encode(partialMessage, isLast);
        }
        outbound.sendBlocking(isLast ? BufferType.UTF8_MESSAGE : BufferType.UTF8_FRAGMENT, bytes, true, true);
    }

    @Override
    public void sendBinary(ByteBuffer partialByte, boolean isLast) throws IOException {
        requireArgument(partialByte, "partialByte");
        outbound.sendBlocking(isLast ? BufferType.BINARY_MESSAGE : BufferType.BINARY_FRAGMENT, partialByte, true);
    }

    @Override
    public OutputStream getSendStream() throws IOException {
        session.checkNotClosed();
        return MessageStreams.binary(session);
    }

    @Override
    public Writer getSendWriter() throws IOException {
        session.checkNotClosed();
        return MessageStreams.text(session);
    }

    /**
     * Stream encoders write straight into a send stream or writer; others encode in memory first. When a stream
     * encoder throws, the message is {@link MessageStreams.MessageStream#abandon abandoned} (nothing is sent if no
     * fragment left yet) and the encoder's exception is thrown.
     */
    @Override
    public void sendObject(Object data) throws IOException, EncodeException {
        requireArgument(data, "data");
        Codecs.EncoderEntry entry = session.codecs().encoderFor(data);
        if (entry != null && entry.shape() == Codecs.Shape.TEXT_STREAM) {
            session.checkNotClosed();
            MessageStreams.MessageWriter writer = MessageStreams.text(session);
            try {
                ObjectEncoding.textStreamEncoder(entry).encode(data, writer);
            } catch (EncodeException | IOException | RuntimeException e) {
                writer.abandon();
                throw e;
            }
            writer.close();
            return;
        }
        if (entry != null && entry.shape() == Codecs.Shape.BINARY_STREAM) {
            session.checkNotClosed();
            MessageStreams.MessageOutputStream out = MessageStreams.binary(session);
            try {
                ObjectEncoding.binaryStreamEncoder(entry).encode(data, out);
            } catch (EncodeException | IOException | RuntimeException e) {
                out.abandon();
                throw e;
            }
            out.close();
            return;
        }
        ObjectEncoding.Encoded encoded = ObjectEncoding.encode(session.codecs(), data);
        outbound.sendBlocking(encoded.text() ? BufferType.UTF8_MESSAGE : BufferType.BINARY_MESSAGE, encoded.data(),
                false);
    }

    @Override
    public void setBatchingAllowed(boolean allowed) throws IOException {
        session.checkNotClosed();
        boolean was = session.driver().isBatching();
        session.driver().setBatching(allowed);
        if (was && !allowed) {
            flushBatch();
        }
    }

    @Override
    public boolean getBatchingAllowed() {
        return session.driver().isBatching();
    }

    /** Writes everything batched so far, blocking until it is written. */
    @Override
    public void flushBatch() throws IOException {
        outbound.sendBlocking(null, null);
    }

    @Override
    public void sendPing(ByteBuffer applicationData) throws IOException {
        outbound.sendBlocking(BufferType.PING, checkControl(applicationData));
    }

    @Override
    public void sendPong(ByteBuffer applicationData) throws IOException {
        outbound.sendBlocking(BufferType.UNSOLICITED_PONG, checkControl(applicationData));
    }

    /** A null payload is an empty one; over 125 bytes is refused (RFC 6455 §5.5). */
    static ByteBuffer checkControl(ByteBuffer applicationData) {
        ByteBuffer data = applicationData == null ? ByteBuffer.allocate(0) : applicationData;
        if (data.remaining() > 125) {
            throw new IllegalArgumentException("a ping or pong carries at most 125 bytes, got " + data.remaining()
                    + " (RFC 6455 §5.5)");
        }
        return data;
    }

    static void requireArgument(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }
}
