package dev.ferry.servlet;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContextClassLoaderScopeTest {

    private final ClassLoader application = new URLClassLoader(new URL[0], null);
    private final ClassLoader container = new URLClassLoader(new URL[0], null);

    @Test
    void theThreadGetsItsOwnLoaderBackEvenWhenTheCallbackThrows() {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        thread.setContextClassLoader(container);
        try {
            ClassLoader[] seen = new ClassLoader[1];
            ContextClassLoaderScope.run(application, () -> seen[0] = thread.getContextClassLoader());
            assertSame(application, seen[0], "the callback runs in the application's scope");
            assertSame(container, thread.getContextClassLoader(), "and the container's thread gets its own back");

            assertThrows(IllegalStateException.class, () -> ContextClassLoaderScope.run(application, () -> {
                throw new IllegalStateException("the endpoint failed");
            }));
            assertSame(container, thread.getContextClassLoader(), "also after a failure");
        } finally {
            thread.setContextClassLoader(original);
        }
    }
}
