package dev.ferry.jakarta;

import dev.ferry.protocol.BufferType;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The streams {@code RemoteEndpoint.Basic.getSendStream()} and {@code getSendWriter()} return: one message sent as
 * fragments of up to {@value #FRAGMENT} bytes (or characters), each a blocking send; {@code flush} sends what is
 * buffered as a fragment; {@code close} sends the final fragment. Writing after close throws {@code IOException}.
 *
 * <p>{@code sendObject} with a stream encoder writes into these too, and {@link MessageStream#abandon abandons} the
 * message when the encoder throws: nothing of a message that never left the buffer reaches the peer, so the error
 * the endpoint sends next is the only message the peer sees.
 *
 * <p>Thread contract: not thread safe, like any {@code OutputStream} or {@code Writer}.
 */
final class MessageStreams {

    static final int FRAGMENT = 8192;

    private MessageStreams() {
    }

    /** A message being written that can be given up. */
    interface MessageStream {
        /**
         * Gives the message up after its producer failed. When no fragment has been sent, the buffer is dropped
         * and the peer sees nothing. When fragments have been sent, the peer holds the start of a message that can
         * never be completed correctly, and RFC 6455 has no way to cancel one: the session is closed with 1011
         * (unexpected condition) rather than let the peer take a truncated message for a whole one.
         */
        void abandon();
    }

    static MessageOutputStream binary(JakartaSession session) throws IOException {
        session.outbound().startPartialMessage(false);
        return new MessageOutputStream(session);
    }

    static MessageWriter text(JakartaSession session) throws IOException {
        session.outbound().startPartialMessage(true);
        return new MessageWriter(session);
    }

    /**
     * How far one message has come, kept the same way by both streams: whether a fragment has been sent, and whether
     * the message is over (sent whole or abandoned).
     */
    private static final class Progress {
        private final JakartaSession session;
        private final boolean text;
        private boolean started;
        private boolean over;

        private Progress(JakartaSession session, boolean text) {
            this.session = session;
            this.text = text;
        }

        void ensureOpen() throws IOException {
            if (over) {
                throw new IOException("the message " + (text ? "writer" : "stream")
                        + " is closed; its message has been sent or abandoned");
            }
        }

        /** Ends the message; false when it was over already (a second close, or a close after abandon). */
        boolean end() {
            if (over) {
                return false;
            }
            over = true;
            return true;
        }

        /** {@link MessageStream#abandon}, once. */
        void abandon() {
            if (!end()) {
                return;
            }
            if (!started) {
                session.outbound().abandonPartialMessage();
                return;
            }
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                        "the encoder failed in the middle of a " + (text ? "text" : "binary") + " message"));
            } catch (IOException | RuntimeException e) {
                // the connection is already going away; the caller reports the encoder's failure
            }
            // After the close: messages that waited for it are refused, not sent.
            session.outbound().abandonPartialMessage();
        }
    }

    static final class MessageOutputStream extends OutputStream implements MessageStream {
        private final JakartaSession session;
        private final Progress message;
        private byte[] buffer = new byte[FRAGMENT];
        private int length;

        private MessageOutputStream(JakartaSession session) {
            this.session = session;
            this.message = new Progress(session, false);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] src, int offset, int count) throws IOException {
            Objects.checkFromIndexSize(offset, count, src.length);
            message.ensureOpen();
            while (count > 0) {
                if (length == buffer.length) {
                    sendFragment();
                }
                int n = Math.min(count, buffer.length - length);
                System.arraycopy(src, offset, buffer, length, n);
                length += n;
                offset += n;
                count -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            message.ensureOpen();
            if (length > 0) {
                sendFragment();
            }
        }

        @Override
        public void close() throws IOException {
            if (message.end()) {
                session.outbound().sendBlocking(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(buffer, 0, length), true);
            }
        }

        @Override
        public void abandon() {
            message.abandon();
        }

        private void sendFragment() throws IOException {
            message.started = true;
            session.outbound().sendBlocking(BufferType.BINARY_FRAGMENT, ByteBuffer.wrap(buffer, 0, length));
            buffer = new byte[FRAGMENT];
            length = 0;
        }
    }

    static final class MessageWriter extends Writer implements MessageStream {
        private final JakartaSession session;
        private final Utf8Parts utf8 = new Utf8Parts();
        private final StringBuilder buffer = new StringBuilder(FRAGMENT);
        private final Progress message;

        private MessageWriter(JakartaSession session) {
            this.session = session;
            this.message = new Progress(session, true);
        }

        @Override
        public void write(char[] src, int offset, int count) throws IOException {
            Objects.checkFromIndexSize(offset, count, src.length);
            message.ensureOpen();
            while (count > 0) {
                if (buffer.length() >= FRAGMENT) {
                    sendFragment();
                }
                int n = Math.min(count, FRAGMENT - buffer.length());
                buffer.append(src, offset, n);
                offset += n;
                count -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            message.ensureOpen();
            if (buffer.length() > 0) {
                sendFragment();
            }
        }

        @Override
        public void close() throws IOException {
            if (message.end()) {
                session.outbound().sendBlocking(BufferType.UTF8_MESSAGE, utf8.encode(buffer, true), true);
            }
        }

        @Override
        public void abandon() {
            message.abandon();
        }

        private void sendFragment() throws IOException {
            message.started = true;
            ByteBuffer bytes = utf8.encode(buffer, false);
            buffer.setLength(0);
            session.outbound().sendBlocking(BufferType.UTF8_FRAGMENT, bytes);
        }
    }
}
