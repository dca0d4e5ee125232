package dev.ferry.servlet.jetty;

import dev.ferry.servlet.ContextClassLoaderScope;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * An upgraded connection's output written straight to Jetty's {@link EndPoint} (see
 * {@link dev.ferry.servlet.ConnectionOutput}): each write is one {@link EndPoint#write}, which sends what the socket
 * takes at once and the rest when it can, instead of going through the servlet response's output, its HTTP/1.1 send
 * callback and their locks. A write that the socket took whole is done before {@code write} returns.
 *
 * <p>Servlet's non-blocking contract: {@link #isReady()} is false while a write is under way, and a false answer is
 * followed by {@link WriteListener#onWritePossible()} once it is done (or {@link WriteListener#onError} if it failed),
 * on a pool thread, with the class loader that was current when the listener was set (the web application's, through
 * {@link ContextClassLoaderScope}). A write that fails at once (the connection is closed) is reported to
 * {@link WriteListener#onError} before it returns. A write started while one is under way is refused.
 */
final class EndPointOutput extends ServletOutputStream implements Callback {

    /** No write under way. */
    private static final int IDLE = 0;
    /** A write under way; {@link #isReady()} has not said false since it started. */
    private static final int WRITING = 1;
    /** A write under way, and {@link #isReady()} said false: its end calls the listener. */
    private static final int WRITING_AWAITED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(EndPointOutput.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EndPoint endPoint;
    /** {@link #IDLE}, {@link #WRITING} or {@link #WRITING_AWAITED}, through {@code STATE}. */
    private volatile int state;
    private volatile WriteListener listener;
    private volatile ClassLoader loader;

    EndPointOutput(EndPoint endPoint) {
        this.endPoint = Objects.requireNonNull(endPoint, "endPoint");
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
        this.loader = Thread.currentThread().getContextClassLoader();
        this.listener = Objects.requireNonNull(writeListener, "writeListener");
    }

    @Override
    public boolean isReady() {
        while (true) {
            int now = state;
            if (now == IDLE) {
                return true;
            }
            if (now == WRITING_AWAITED || STATE.compareAndSet(this, WRITING, WRITING_AWAITED)) {
                return false;
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        write(ByteBuffer.wrap(b, off, len));
    }

    /** Writes {@code buffer} whole; the connection holds it until the write is done ({@link #isReady()}). */
    @Override
    public void write(ByteBuffer buffer) throws IOException {
        if (!STATE.compareAndSet(this, IDLE, WRITING)) {
            throw new IllegalStateException("expected the previous write to be done (isReady() true), got a write"
                    + " while it is under way (ServletOutputStream: one non-blocking write at a time)");
        }
        try {
            endPoint.write(this, buffer);
        } catch (RuntimeException refused) {
            STATE.setVolatile(this, IDLE); // not started: the connection will not call back for it
            throw new IOException("writing the upgraded connection failed: " + refused, refused);
        }
    }

    /** Nothing is kept back: every write is already on its way. */
    @Override
    public void flush() {
    }

    /** The connection is the container's to close, with the upgraded connection. */
    @Override
    public void close() {
    }

    /** The write is done. */
    @Override
    public void succeeded() {
        if ((int) STATE.getAndSet(this, IDLE) == WRITING_AWAITED) {
            tellListener(null);
        }
    }

    @Override
    public void failed(Throwable failure) {
        STATE.setVolatile(this, IDLE);
        tellListener(failure);
    }

    private void tellListener(Throwable failure) {
        WriteListener current = listener;
        if (current == null) {
            return; // nobody asked: the next write or isReady() finds out
        }
        ContextClassLoaderScope.run(loader, () -> {
            if (failure != null) {
                current.onError(failure);
                return;
            }
            try {
                current.onWritePossible();
            } catch (IOException | RuntimeException e) {
                current.onError(e);
            }
        });
    }
}
