package dev.ferry.servlet;

import java.io.IOException;
import java.util.Objects;

/**
 * A {@link ConnectionInput} whose callbacks run with the web application's class loader as the thread's context
 * class loader ({@link ContextClassLoaderScope}), as the container's own servlet callbacks do.
 *
 * <p>Thread contract: as {@link ConnectionInput}. The transport demands with the same callback every time, so its
 * wrapper is made once and kept.
 */
final class ScopedConnectionInput implements ConnectionInput {

    private final ConnectionInput input;
    private final ClassLoader loader;
    /** The callback last demanded with, and its wrapper; one demand at a time, so no two threads meet here. */
    private Runnable lastReadable;
    private Runnable lastScoped;

    ScopedConnectionInput(ConnectionInput input, ClassLoader loader) {
        this.input = Objects.requireNonNull(input, "input");
        this.loader = loader;
    }

    @Override
    public int read(byte[] into) throws IOException {
        return input.read(into);
    }

    @Override
    public void demand(Runnable readable) {
        if (readable != lastReadable) {
            lastScoped = () -> ContextClassLoaderScope.run(loader, readable);
            lastReadable = readable;
        }
        input.demand(lastScoped);
    }
}
