package dev.ferry.servlet;

import jakarta.servlet.ServletOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Asks the servlet container for one dispatch of an upgraded connection, so that a {@code WebConnection.close()}
 * made on a thread of ours takes effect at once. The servlet API has no call for this: a container calls
 * {@code onWritePossible} only after {@code isReady()} found the output full.
 *
 * <p>Jetty 12.1 ends the connection in {@code WebConnection.close()}, on any thread, and needs nothing here. Tomcat
 * 11's close only marks the connection's two streams closed; the socket is closed when one of Tomcat's own
 * dispatches for the connection (a read or write event) returns and finds both streams closed. A close made inside
 * a container callback thus ends the connection as the callback returns, but one made on another thread (the close
 * timer, the idle timer, the application, the executor that opened the session) waits for the peer's next bytes,
 * and a peer that waits for the server to close TCP (RFC 6455 §7.1.1), or that stopped reading, sends none. So after
 * the close, the socket wrapper behind Tomcat's upgraded output stream (its {@code socketWrapper} field) is asked to
 * process a write event on Tomcat's executor ({@code processSocket(OPEN_WRITE, true)}, as Tomcat's NIO2 connector
 * does itself when a write may go on), whether or not the socket is writable: that dispatch flushes what it can
 * without blocking, finds both streams closed, and Tomcat closes the socket and destroys the upgrade handler. An
 * event for a socket already closed is dropped by Tomcat.
 *
 * <p>The wrapper is found by shape (a field {@code socketWrapper} whose value has a public
 * {@code processSocket(event, boolean)} taking an enum with an {@code OPEN_WRITE} constant) when a stream class is
 * first seen; any other stream is left alone.
 *
 * <p>Thread contract: any thread, after the connection was closed.
 */
final class WriteDispatch {

    private static final System.Logger LOG = System.getLogger(WriteDispatch.class.getName());

    /**
     * The last stream class looked at and what it offers (null when nothing). A plain field rather than a
     * {@code ClassValue}: a value stored on the container's class would keep this web application's classes alive
     * after it is undeployed.
     */
    private static volatile Found last = new Found(Object.class, null);

    private record Found(Class<?> streamClass, WriteDispatch dispatch) { }

    private final Field socketWrapper;
    private final Method processSocket;
    private final Object openWrite;

    private WriteDispatch(Field socketWrapper, Method processSocket, Object openWrite) {
        this.socketWrapper = socketWrapper;
        this.processSocket = processSocket;
        this.openWrite = openWrite;
    }

    /** Asks the container behind {@code out} for a write dispatch, if it needs one to end a closed connection. */
    static void requestAfterClose(ServletOutputStream out) {
        Found found = last;
        if (found.streamClass() != out.getClass()) {
            found = new Found(out.getClass(), find(out.getClass()));
            last = found;
        }
        if (found.dispatch() != null) {
            found.dispatch().request(out);
        }
    }

    private void request(ServletOutputStream out) {
        try {
            Object wrapper = socketWrapper.get(out);
            if (wrapper != null) {
                processSocket.invoke(wrapper, openWrite, true);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "asking the container for a write dispatch after closing an"
                    + " upgraded connection failed; the connection ends at its next dispatch", e);
        }
    }

    private static WriteDispatch find(Class<?> streamClass) {
        for (Class<?> type = streamClass; type != null && type != ServletOutputStream.class;
                type = type.getSuperclass()) {
            Field field;
            try {
                field = type.getDeclaredField("socketWrapper");
            } catch (NoSuchFieldException notHere) {
                continue;
            }
            WriteDispatch dispatch = through(field);
            if (dispatch == null) {
                LOG.log(System.Logger.Level.WARNING, "expected " + field.getType().getName() + " (the socketWrapper"
                        + " of " + streamClass.getName() + ") to have processSocket(OPEN_WRITE, boolean), it has not:"
                        + " an upgraded connection closed off the container's threads ends only at the peer's next"
                        + " bytes");
                return null;
            }
            try {
                field.setAccessible(true);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not read the socketWrapper of " + streamClass.getName()
                        + ": an upgraded connection closed off the container's threads ends only at the peer's next"
                        + " bytes", e);
                return null;
            }
            return dispatch;
        }
        return null;
    }

    /** A dispatch through the public {@code processSocket(event, boolean)} of {@code field}'s type, or null. */
    private static WriteDispatch through(Field field) {
        for (Method method : field.getType().getMethods()) {
            Class<?>[] parameters = method.getParameterTypes();
            if (method.getName().equals("processSocket") && parameters.length == 2 && parameters[0].isEnum()
                    && parameters[1] == boolean.class) {
                for (Object event : parameters[0].getEnumConstants()) {
                    if (((Enum<?>) event).name().equals("OPEN_WRITE")) {
                        return new WriteDispatch(field, method, event);
                    }
                }
            }
        }
        return null;
    }
}
