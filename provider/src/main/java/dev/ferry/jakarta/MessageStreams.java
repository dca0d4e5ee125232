package dev.ferry.jakarta;

import dev.ferry.protocol.BufferType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;

/**
 * The streams {@code RemoteEndpoint.Basic.getSendStream()} and {@code getSendWriter()} return: one message sent as
 * fragments of up to {@value #FRAGMENT} bytes (or characters), each a blocking send; {@code flush} sends what is
 * buffered as a fragment; {@code close} sends the final fragment. Writing after close throws {@code IOException}.
 *
 * <p>Thread contract: not thread safe, like any {@code OutputStream} or {@code Writer}.
 */
final class MessageStreams {

    static final int FRAGMENT = 8192;

    private MessageStreams() {
    }

    static OutputStream binary(JakartaSession session) {
        session.checkMessageOrder(false, true, false);
        return new OutputStream() {
            private byte[] buffer = new byte[FRAGMENT];
            private int length;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] src, int offset, int count) throws IOException {
                java.util.Objects.checkFromIndexSize(offset, count, src.length);
                ensureOpen();
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
                ensureOpen();
                if (length > 0) {
                    sendFragment();
                }
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                session.checkMessageOrder(false, true, true);
                session.sendBlocking(BufferType.BINARY_MESSAGE, ByteBuffer.wrap(buffer, 0, length));
            }

            private void sendFragment() throws IOException {
                session.sendBlocking(BufferType.BINARY_FRAGMENT, ByteBuffer.wrap(buffer, 0, length));
                buffer = new byte[FRAGMENT];
                length = 0;
            }

            private void ensureOpen() throws IOException {
                if (closed) {
                    throw new IOException("the message stream is closed; its message has been sent");
                }
            }
        };
    }

    static Writer text(JakartaSession session) {
        session.checkMessageOrder(true, true, false);
        return new Writer() {
            private final Utf8Parts utf8 = new Utf8Parts();
            private final StringBuilder buffer = new StringBuilder(FRAGMENT);
            private boolean closed;

            @Override
            public void write(char[] src, int offset, int count) throws IOException {
                java.util.Objects.checkFromIndexSize(offset, count, src.length);
                ensureOpen();
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
                ensureOpen();
                if (buffer.length() > 0) {
                    sendFragment();
                }
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                session.checkMessageOrder(true, true, true);
                session.sendBlocking(BufferType.UTF8_MESSAGE, utf8.encode(buffer, true));
            }

            private void sendFragment() throws IOException {
                ByteBuffer bytes = utf8.encode(buffer, false);
                buffer.setLength(0);
                session.sendBlocking(BufferType.UTF8_FRAGMENT, bytes);
            }

            private void ensureOpen() throws IOException {
                if (closed) {
                    throw new IOException("the message writer is closed; its message has been sent");
                }
            }
        };
    }
}
