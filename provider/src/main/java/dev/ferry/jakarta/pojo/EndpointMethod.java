package dev.ferry.jakarta.pojo;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One annotated method, ready to call: a {@link MethodHandle} spread over an argument array, and where each
 * argument comes from. Immutable and thread safe.
 *
 * @param method    the reflected method (for messages and {@link #returnsValue()})
 * @param invoker   {@code (Object target, Object[] arguments) Object}
 * @param arguments one per parameter, in order
 */
public record EndpointMethod(Method method, MethodHandle invoker, List<Argument> arguments) {

    /**
     * The values available when an event arrives, but for a message's own ({@link #invoke(Object, Event, Object,
     * boolean)}): one event serves every message of a connection. Unavailable values are null.
     */
    public record Event(Session session, EndpointConfig config, CloseReason closeReason, Throwable error,
                        Map<String, String> pathParameters) {
    }

    public EndpointMethod {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(invoker, "invoker");
        arguments = List.copyOf(arguments);
    }

    /** Whether a call's result is something to send back (non-void return). */
    public boolean returnsValue() {
        return method.getReturnType() != void.class;
    }

    /**
     * Calls the method on {@code target}.
     *
     * @return what the method returned (null for void)
     * @throws DecodeException when a path parameter cannot be converted (the method is not called)
     * @throws Throwable       whatever the method throws, unwrapped
     */
    public Object invoke(Object target, Event event) throws Throwable {
        return invoke(target, event, null, false);
    }

    /**
     * Calls the method on {@code target} for a message: {@code payload} and {@code last} are the message's,
     * {@code event} has the rest.
     *
     * @return what the method returned (null for void)
     * @throws DecodeException when a path parameter cannot be converted (the method is not called)
     * @throws Throwable       whatever the method throws, unwrapped
     */
    public Object invoke(Object target, Event event, Object payload, boolean last) throws Throwable {
        Object[] values = new Object[arguments.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = resolve(arguments.get(i), event, payload, last);
        }
        return (Object) invoker.invokeExact(target, values);
    }

    private static Object resolve(Argument argument, Event event, Object payload, boolean last)
            throws DecodeException {
        return switch (argument.source()) {
            case SESSION -> event.session();
            case ENDPOINT_CONFIG -> event.config();
            case CLOSE_REASON -> event.closeReason();
            case THROWABLE -> event.error();
            case PAYLOAD -> payload;
            case LAST -> last;
            case PATH_PARAMETER -> PathParameters.convert(argument.name(),
                    event.pathParameters() == null ? null : event.pathParameters().get(argument.name()),
                    argument.type());
        };
    }

    /** {@code com.example.Chat.onMessage(String, Session)}, for messages. */
    public static String describe(Method method) {
        StringBuilder text = new StringBuilder(method.getDeclaringClass().getName()).append('.')
                .append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            text.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return text.append(')').toString();
    }

    @Override
    public String toString() {
        return describe(method);
    }
}
