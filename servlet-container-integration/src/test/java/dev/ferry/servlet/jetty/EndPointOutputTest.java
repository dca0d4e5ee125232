package dev.ferry.servlet.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.junit.jupiter.api.Test;

/** {@link EndPointOutput}: Servlet's non-blocking output contract, on an in-memory Jetty {@code EndPoint}. */
class EndPointOutputTest {

    /** A connection whose socket takes at most {@code room} bytes until its output is taken. */
    private static ByteArrayEndPoint connection(int room) {
        return new ByteArrayEndPoint(new byte[0], room, false);
    }

    /** What the listener was told, in order, with the class loader each call ran with. */
    private static final class Told implements WriteListener {
        final List<String> calls = new ArrayList<>();
        final List<ClassLoader> loaders = new ArrayList<>();

        @Override
        public void onWritePossible() {
            calls.add("onWritePossible");
            loaders.add(Thread.currentThread().getContextClassLoader());
        }

        @Override
        public void onError(Throwable t) {
            calls.add("onError " + t.getClass().getSimpleName());
            loaders.add(Thread.currentThread().getContextClassLoader());
        }
    }

    @Test
    void aWriteTheSocketTakesWholeIsDoneWhenWriteReturnsAndCallsNoListener() throws Exception {
        ByteArrayEndPoint endPoint = connection(1024);
        EndPointOutput out = new EndPointOutput(endPoint);
        Told told = new Told();
        out.setWriteListener(told);

        out.write("hello".getBytes(StandardCharsets.US_ASCII), 0, 5);

        assertTrue(out.isReady());
        assertEquals("hello", endPoint.takeOutputString());
        assertEquals(List.of(), told.calls, "no onWritePossible without a false isReady()");
    }

    @Test
    void aWriteTheSocketCannotTakeWholeIsNotReadyUntilTheRestIsWrittenThenCallsOnWritePossibleOnce()
            throws Exception {
        ByteArrayEndPoint endPoint = connection(4);
        EndPointOutput out = new EndPointOutput(endPoint);
        Told told = new Told();
        out.setWriteListener(told);
        byte[] message = "0123456789".getBytes(StandardCharsets.US_ASCII);

        out.write(message, 0, message.length);
        assertFalse(out.isReady(), "the socket took 4 of 10 bytes");
        assertFalse(out.isReady(), "asked again, still under way");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        while (!out.isReady()) {
            ByteBuffer taken = endPoint.takeOutput(); // room again: the connection writes on
            received.write(taken.array(), taken.arrayOffset() + taken.position(), taken.remaining());
        }
        ByteBuffer rest = endPoint.takeOutput();
        received.write(rest.array(), rest.arrayOffset() + rest.position(), rest.remaining());

        assertArrayEquals(message, received.toByteArray());
        assertEquals(List.of("onWritePossible"), told.calls);
    }

    @Test
    void aWriteWhileOneIsUnderWayIsRefusedAndTheFirstGoesOnWhole() throws Exception {
        ByteArrayEndPoint endPoint = connection(2);
        EndPointOutput out = new EndPointOutput(endPoint);
        out.setWriteListener(new Told());
        out.write(new byte[] {1, 2, 3}, 0, 3);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> out.write(ByteBuffer.wrap(new byte[] {4})));

        assertTrue(refused.getMessage().contains("one non-blocking write at a time"), refused.getMessage());
        assertEquals(2, endPoint.takeOutput().remaining());
        assertEquals(1, endPoint.takeOutput().remaining());
        assertTrue(out.isReady());
    }

    @Test
    void aWriteOnAClosedConnectionIsReportedToTheListenerAndLeavesTheStreamReadyToFailAgain() throws Exception {
        ByteArrayEndPoint endPoint = connection(1024);
        EndPointOutput out = new EndPointOutput(endPoint);
        Told told = new Told();
        out.setWriteListener(told);
        endPoint.close();

        out.write(new byte[] {1}, 0, 1);

        assertEquals(1, told.calls.size(), told.calls.toString());
        assertTrue(told.calls.get(0).startsWith("onError"), told.calls.toString());
        assertTrue(out.isReady());
    }

    @Test
    void theListenerRunsWithTheClassLoaderThatWasCurrentWhenItWasSet() throws Exception {
        ByteArrayEndPoint endPoint = connection(1);
        EndPointOutput out = new EndPointOutput(endPoint);
        Told told = new Told();
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader application = new URLClassLoader(new URL[0], before)) {
            thread.setContextClassLoader(application);
            out.setWriteListener(told); // as the container calls init: in the web application's scope
            thread.setContextClassLoader(before);

            out.write(new byte[] {1, 2}, 0, 2);
            assertFalse(out.isReady());
            endPoint.takeOutput(); // the rest is written on this thread, outside the application's scope

            assertEquals(List.of("onWritePossible"), told.calls);
            assertSame(application, told.loaders.get(0));
            assertSame(before, thread.getContextClassLoader(), "the thread's own loader is back afterwards");
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
