package dev.ferry.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;

/**
 * What the scripted servlet streams of these tests share: an input the transport reads arrays from, an output that
 * follows the non-blocking contract (a callback comes only after {@code isReady()} said false), and a connection over
 * two such streams. Each test's streams add the script: what arrives, when a write blocks, what a container checks.
 * Not thread safe: the tests drive them from one thread.
 */
final class ScriptedStreams {

    private ScriptedStreams() {
    }

    /** A connection over these two streams whose close does nothing. */
    static WebConnection over(ServletInputStream in, ServletOutputStream out) {
        return new WebConnection() {
            @Override
            public ServletInputStream getInputStream() {
                return in;
            }

            @Override
            public ServletOutputStream getOutputStream() {
                return out;
            }

            @Override
            public void close() {
            }
        };
    }

    /** An input stream read in arrays only; keeps the read listener the transport sets, for the script to call. */
    abstract static class ArrayInput extends ServletInputStream {
        ReadListener listener;

        @Override
        public void setReadListener(ReadListener readListener) {
            listener = readListener;
        }

        @Override
        public int read() {
            throw new AssertionError("the transport reads arrays");
        }
    }

    /**
     * An output stream that turns not-ready after {@link #acceptBeforeBlocking} writes, until the test calls
     * {@link #unblock()}; an {@code isReady()} that said false arms one {@code onWritePossible}. A subclass's writes
     * call {@link #checkReady()} first and {@link #accepted()} after.
     */
    abstract static class BlockingOutput extends ServletOutputStream {
        int acceptBeforeBlocking = Integer.MAX_VALUE;
        boolean blocked;
        boolean armed;
        WriteListener listener;

        void unblock() throws IOException {
            blocked = false;
            acceptBeforeBlocking = Integer.MAX_VALUE;
            if (armed) {
                armed = false;
                listener.onWritePossible();
            }
        }

        @Override
        public boolean isReady() {
            armed |= blocked;
            return !blocked;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            listener = writeListener;
        }

        /** Throws as a container does when a write comes while the stream is not ready. */
        void checkReady() {
            if (blocked) {
                throw new IllegalStateException("write while not ready (servlet contract)");
            }
        }

        /** Counts one accepted write; the last one allowed blocks the stream. */
        void accepted() {
            blocked = --acceptBeforeBlocking <= 0;
        }
    }
}
