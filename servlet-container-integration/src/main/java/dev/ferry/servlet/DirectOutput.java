package dev.ferry.servlet;

import jakarta.servlet.ServletOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;

/**
 * Finds the stream a connection's large writes go to as direct buffers, each written in one go as Servlet 6.1's
 * {@code ServletOutputStream.write(ByteBuffer)} allows (the API's default copies the buffer into a new array, and a
 * container may then cut that array into slices of its buffer size, one socket write each: Jetty 12.1 makes 64 of
 * them per MiB).
 *
 * <p>The upgraded output itself, when its class overrides {@code write(ByteBuffer)}. Otherwise, only on a container
 * whose traits allow it ({@link ContainerTraits#unwrapsOutput}: Jetty 12.1), the stream its wrapper delegates to, when
 * that one overrides it: Jetty's upgraded output inherits the API's default and wraps its response output, which
 * writes a direct buffer whole. The wrapper adds nothing to a write but noting a failure, which its close notes
 * again, so writing past it changes nothing else. Its field is private, so it is read by reflection, found once per
 * stream class (a container wraps the same class every time) and cached; where it cannot be read, there is no direct
 * stream and large writes take the slower way through the wrapper, never a wrong one. Tomcat 11's upgraded output
 * writes arrays only: none.
 *
 * <p>Thread safe.
 */
final class DirectOutput {

    /**
     * How a stream class reaches a stream that writes direct buffers in one go: {@code field} of the stream it wraps,
     * the stream itself ({@code field} null, {@code self}), or none.
     */
    private record Route(Class<?> streamClass, Field field, boolean self) { }

    private static final System.Logger LOG = System.getLogger(DirectOutput.class.getName());

    /** The route found for the last output stream class seen (one class per container in practice). */
    private static volatile Route lastRoute = new Route(Object.class, null, false);

    private DirectOutput() {
    }

    /**
     * The stream {@code out}'s large writes go to as direct buffers, or null when there is none.
     *
     * @param unwrap whether a wrapper's inner stream may be written to (the container's trait)
     */
    static ServletOutputStream of(ServletOutputStream out, boolean unwrap) {
        Route route = lastRoute;
        if (route.streamClass() != out.getClass()) {
            route = find(out);
            lastRoute = route;
        }
        if (route.self()) {
            return out;
        }
        if (!unwrap || route.field() == null) {
            return null;
        }
        try {
            return route.field().get(out) instanceof ServletOutputStream inner && inner != out ? inner : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Route find(ServletOutputStream out) {
        Class<?> streamClass = out.getClass();
        if (writesBuffers(streamClass)) {
            return new Route(streamClass, null, true);
        }
        for (Class<?> type = streamClass; type != null && type != ServletOutputStream.class;
                type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        || !ServletOutputStream.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    if (field.get(out) instanceof ServletOutputStream inner && inner != out
                            && writesBuffers(inner.getClass())) {
                        return new Route(streamClass, field, false);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "could not look inside " + streamClass.getName()
                            + "; large writes go through its byte-array writes", e);
                }
            }
        }
        return new Route(streamClass, null, false);
    }

    /** Whether {@code type} writes a {@code ByteBuffer} itself rather than through the API's copying default. */
    private static boolean writesBuffers(Class<?> type) {
        try {
            return type.getMethod("write", ByteBuffer.class).getDeclaringClass() != ServletOutputStream.class;
        } catch (NoSuchMethodException beforeServlet61) {
            return false;
        }
    }
}
