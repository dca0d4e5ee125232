package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection's callback comes from the container's I/O, outside the web application: it must run with the
 * application's class loader as the context class loader (endpoint code loads services through it), and leave the
 * container's thread as it found it.
 */
class ScopedConnectionInputTest {

    private final ClassLoader application = new URLClassLoader("application", new URL[0], getClass().getClassLoader());
    private final ClassLoader container = new URLClassLoader("container", new URL[0], getClass().getClassLoader());

    @Test
    void theCallbackRunsWithTheApplicationsClassLoaderAndTheThreadGetsItsOwnBack() {
        ConnectionInputTransportTest.Scripted connection = new ConnectionInputTransportTest.Scripted();
        ScopedConnectionInput scoped = new ScopedConnectionInput(connection, application);
        List<ClassLoader> seen = new ArrayList<>();
        scoped.demand(() -> seen.add(Thread.currentThread().getContextClassLoader()));
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        thread.setContextClassLoader(container);
        try {
            connection.deliver("a");
            assertSame(container, thread.getContextClassLoader(), "the container's thread keeps its own loader");
        } finally {
            thread.setContextClassLoader(original);
        }
        assertEquals(List.of(application), seen);
    }

    @Test
    void theSameCallbackDemandedAgainIsWrappedOnce() {
        List<Runnable> demanded = new ArrayList<>();
        ScopedConnectionInput scoped = new ScopedConnectionInput(new ConnectionInput() {
            @Override
            public int read(byte[] into) {
                return 0;
            }

            @Override
            public void demand(Runnable readable) {
                demanded.add(readable);
            }
        }, application);
        Runnable readable = () -> { };
        scoped.demand(readable);
        scoped.demand(readable);
        assertSame(demanded.get(0), demanded.get(1), "no wrapper allocated per demand");
    }
}
