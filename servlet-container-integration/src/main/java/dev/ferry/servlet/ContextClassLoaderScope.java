package dev.ferry.servlet;

/**
 * Runs a connection's callback with the web application's class loader as the thread's context class loader, as a
 * servlet container runs its own listeners: a callback that comes straight from the container's I/O
 * ({@link ConnectionInput}, {@link ConnectionOutput}) starts outside the application's scope, and the endpoint code it
 * runs may use the context class loader (a {@code ServiceLoader}, {@code ContainerProvider.getWebSocketContainer()},
 * a JNDI lookup). One place for the connection's reads and writes alike.
 */
public final class ContextClassLoaderScope {

    private ContextClassLoaderScope() {
    }

    /**
     * Runs {@code callback} on the calling thread with {@code loader} as its context class loader, then puts back the
     * one it had; when that is {@code loader} already, just runs it.
     */
    public static void run(ClassLoader loader, Runnable callback) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        if (before == loader) {
            callback.run();
            return;
        }
        thread.setContextClassLoader(loader);
        try {
            callback.run();
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
