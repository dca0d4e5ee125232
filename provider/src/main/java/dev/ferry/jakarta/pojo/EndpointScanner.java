package dev.ferry.jakarta.pojo;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;

import java.io.InputStream;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one annotated class into an {@link EndpointModel}; see {@link EndpointModel#read} for the rules. Used
 * once, by one thread.
 */
final class EndpointScanner {

    private static final List<Class<? extends Annotation>> EVENTS =
            List.of(OnOpen.class, OnClose.class, OnError.class, OnMessage.class);

    private final Class<?> type;
    private final List<Class<? extends Decoder>> decoders;
    private final List<String> pathVariables;
    private final String path;

    private EndpointMethod onOpen;
    private EndpointMethod onClose;
    private EndpointMethod onError;
    private final Map<MessageKind, MessageMethod> messages = new EnumMap<>(MessageKind.class);

    EndpointScanner(Class<?> type, List<Class<? extends Decoder>> decoders, List<String> pathVariables,
                    String path) {
        this.type = type;
        this.decoders = List.copyOf(decoders);
        this.pathVariables = List.copyOf(pathVariables);
        this.path = path;
    }

    EndpointModel scan() throws DeploymentException {
        for (Class<? extends Decoder> decoder : decoders) {
            try {
                DecoderTypes.kind(decoder);
            } catch (IllegalArgumentException e) {
                throw new DeploymentException("endpoint " + type.getName() + ": " + e.getMessage());
            }
        }
        Set<String> overridden = new HashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            scanClass(c, overridden);
        }
        List<MessageMethod> distinct = new ArrayList<>();
        for (MessageMethod m : messages.values()) {
            if (!distinct.contains(m)) {
                distinct.add(m);
            }
        }
        return new EndpointModel(type, Optional.ofNullable(onOpen), Optional.ofNullable(onClose),
                Optional.ofNullable(onError), distinct);
    }

    /**
     * Scans one class of the hierarchy; {@code overridden} holds the signatures declared by its subclasses, whose
     * methods hide this class's (Java's own inheritance: an override without the annotation drops it, WSC-4.8.1).
     */
    private void scanClass(Class<?> c, Set<String> overridden) throws DeploymentException {
        Method[] methods = c.getDeclaredMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName).thenComparing(Method::toString));
        List<String> declared = new ArrayList<>();
        for (Method method : methods) {
            if (method.isBridge() || method.isSynthetic()) {
                continue;
            }
            String signature = method.getName() + Arrays.toString(method.getParameterTypes());
            if (!Modifier.isPrivate(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())) {
                declared.add(signature);
            }
            if (overridden.contains(signature)) {
                continue;
            }
            List<Class<? extends Annotation>> events = EVENTS.stream().filter(method::isAnnotationPresent).toList();
            if (events.isEmpty()) {
                continue;
            }
            if (events.size() > 1) {
                throw failure(method, "carries " + events.stream().map(a -> "@" + a.getSimpleName()).toList()
                        + "; one method handles one event");
            }
            checkCallable(method);
            Class<? extends Annotation> event = events.get(0);
            if (event == OnOpen.class) {
                onOpen = single(onOpen, lifecycle(method, OnOpen.class,
                        Set.of(Argument.Source.SESSION, Argument.Source.ENDPOINT_CONFIG)), "@OnOpen");
            } else if (event == OnClose.class) {
                onClose = single(onClose, lifecycle(method, OnClose.class,
                        Set.of(Argument.Source.SESSION, Argument.Source.CLOSE_REASON)), "@OnClose");
            } else if (event == OnError.class) {
                onError = single(onError, lifecycle(method, OnError.class,
                        Set.of(Argument.Source.SESSION, Argument.Source.THROWABLE)), "@OnError");
            } else {
                MessageMethod message = message(method);
                for (MessageKind kind : message.kinds()) {
                    MessageMethod other = messages.putIfAbsent(kind, message);
                    if (other != null) {
                        throw failure(method, "is a second @OnMessage method for " + kind + " messages; "
                                + other.method() + " already handles them (Jakarta WebSocket 2.2 §4.7: at most one "
                                + "per text, binary and pong, inherited methods included, §4.8)");
                    }
                }
            }
        }
        overridden.addAll(declared);
    }

    private EndpointMethod single(EndpointMethod existing, EndpointMethod found, String annotation)
            throws DeploymentException {
        if (existing != null) {
            throw failure(found.method(), "is a second " + annotation + " method; " + existing
                    + " is the first (one per endpoint, inherited methods included, Jakarta WebSocket 2.2 §4.8)");
        }
        return found;
    }

    private void checkCallable(Method method) throws DeploymentException {
        int modifiers = method.getModifiers();
        if (!Modifier.isPublic(modifiers)) {
            throw failure(method, "must be public (Jakarta WebSocket 2.2 §4)");
        }
        if (Modifier.isStatic(modifiers)) {
            throw failure(method, "must not be static: it is called on the endpoint instance");
        }
    }

    /** An {@code @OnOpen}, {@code @OnClose} or {@code @OnError} method whose parameters come from {@code allowed}. */
    private EndpointMethod lifecycle(Method method, Class<? extends Annotation> annotation,
                                     Set<Argument.Source> allowed) throws DeploymentException {
        List<Argument> arguments = new ArrayList<>();
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            Argument argument = pathParameter(method, i);
            if (argument == null) {
                Argument.Source source = contextSource(types[i]);
                if (source == null || !allowed.contains(source)) {
                    throw failure(method, "has parameter " + i + " of type " + types[i].getName() + ", which @"
                            + annotation.getSimpleName() + " cannot take (allowed: " + describe(allowed)
                            + " and @PathParam parameters)");
                }
                argument = Argument.of(source, types[i]);
            }
            arguments.add(argument);
        }
        long sources = arguments.stream().map(Argument::source).filter(s -> s != Argument.Source.PATH_PARAMETER)
                .count();
        long distinct = arguments.stream().map(Argument::source).filter(s -> s != Argument.Source.PATH_PARAMETER)
                .distinct().count();
        if (sources != distinct) {
            throw failure(method, "takes the same value twice; each of " + describe(allowed) + " at most once");
        }
        if (annotation == OnError.class
                && arguments.stream().noneMatch(a -> a.source() == Argument.Source.THROWABLE)) {
            throw failure(method, "has no Throwable parameter; @OnError requires one (Jakarta WebSocket 2.2 §4.5)");
        }
        return new EndpointMethod(method, invoker(method), arguments);
    }

    private static Argument.Source contextSource(Class<?> parameter) {
        if (parameter == Session.class) {
            return Argument.Source.SESSION;
        }
        if (parameter == EndpointConfig.class) {
            return Argument.Source.ENDPOINT_CONFIG;
        }
        if (parameter == CloseReason.class) {
            return Argument.Source.CLOSE_REASON;
        }
        if (parameter == Throwable.class) {
            return Argument.Source.THROWABLE;
        }
        return null;
    }

    private static String describe(Set<Argument.Source> sources) {
        List<String> names = new ArrayList<>();
        for (Argument.Source source : EnumSet.copyOf(sources)) {
            names.add(switch (source) {
                case SESSION -> "Session";
                case ENDPOINT_CONFIG -> "EndpointConfig";
                case CLOSE_REASON -> "CloseReason";
                case THROWABLE -> "Throwable";
                case PATH_PARAMETER, PAYLOAD, LAST -> source.name();
            });
        }
        return String.join(", ", names);
    }

    /** The {@code @PathParam} argument at {@code index}, validated; null when the parameter has none. */
    private Argument pathParameter(Method method, int index) throws DeploymentException {
        PathParam annotation = method.getParameters()[index].getAnnotation(PathParam.class);
        if (annotation == null) {
            return null;
        }
        Class<?> parameterType = method.getParameterTypes()[index];
        String name = PathParameters.variableName(annotation.value(), pathVariables);
        // The PathParam Javadoc: a name that is not a variable of the template gives null, so only a primitive,
        // which cannot be null, makes such a parameter a mistake.
        if (!pathVariables.contains(name) && parameterType.isPrimitive()) {
            throw failure(method, "has @PathParam(\"" + annotation.value() + "\") on parameter " + index
                    + " of primitive type " + parameterType.getName() + ", but "
                    + (path == null ? "a client endpoint has no path template"
                    : "the path '" + path + "' has no variable {" + annotation.value() + "}")
                    + ", so its value would be null (PathParam Javadoc); use " + parameterType.getName()
                    + "'s box or String");
        }
        if (!PathParameters.isSupported(parameterType)) {
            throw failure(method, "has @PathParam(\"" + annotation.value() + "\") on parameter " + index
                    + " of type " + parameterType.getName() + "; expected String, a primitive or its box "
                    + "(Jakarta WebSocket 2.2 §4.3)");
        }
        return new Argument(Argument.Source.PATH_PARAMETER, name, parameterType);
    }

    private MessageMethod message(Method method) throws DeploymentException {
        Class<?>[] types = method.getParameterTypes();
        Argument[] arguments = new Argument[types.length];
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            arguments[i] = pathParameter(method, i);
            if (arguments[i] == null) {
                if (types[i] == Session.class) {
                    arguments[i] = Argument.of(Argument.Source.SESSION, types[i]);
                } else {
                    free.add(i);
                }
            }
        }
        int payload;
        boolean partial = false;
        if (free.size() == 1) {
            payload = free.get(0);
        } else if (free.size() == 2 && (types[free.get(0)] == boolean.class) != (types[free.get(1)] == boolean.class)) {
            int last = types[free.get(0)] == boolean.class ? free.get(0) : free.get(1);
            payload = last == free.get(0) ? free.get(1) : free.get(0);
            Class<?> partType = types[payload];
            if (partType != String.class && partType != byte[].class && partType != ByteBuffer.class) {
                throw failure(method, "takes a boolean 'last' flag with a " + partType.getName()
                        + " message; partial messages come only as String, byte[] or ByteBuffer "
                        + "(Jakarta WebSocket 2.2 §4.7)");
            }
            arguments[last] = Argument.of(Argument.Source.LAST, boolean.class);
            partial = true;
        } else if (free.isEmpty()) {
            throw failure(method, "has no message parameter (expected one of String, byte[], ByteBuffer, Reader, "
                    + "InputStream, PongMessage, a primitive or a decodable type)");
        } else {
            throw failure(method, "has " + free.size() + " parameters that are neither Session nor @PathParam "
                    + free.stream().map(i -> types[i].getSimpleName()).toList()
                    + "; expected one message parameter, plus a boolean 'last' for partial String, byte[] or "
                    + "ByteBuffer (Jakarta WebSocket 2.2 §4.7)");
        }
        Class<?> payloadType = types[payload];
        arguments[payload] = Argument.of(Argument.Source.PAYLOAD, payloadType);
        Set<MessageKind> kinds = kinds(method, payloadType);
        long maxMessageSize = method.getAnnotation(OnMessage.class).maxMessageSize();
        if (maxMessageSize < -1 || maxMessageSize == 0) {
            throw failure(method, "has @OnMessage(maxMessageSize = " + maxMessageSize
                    + "); expected -1 (no limit) or a positive number of bytes");
        }
        EndpointMethod endpointMethod = new EndpointMethod(method, invoker(method), Arrays.asList(arguments));
        return new MessageMethod(endpointMethod, kinds, PathParameters.boxed(payloadType), partial, maxMessageSize);
    }

    /** The kinds of message a parameter of this type takes; fails when nothing can produce the type. */
    private Set<MessageKind> kinds(Method method, Class<?> payloadType) throws DeploymentException {
        if (payloadType == PongMessage.class) {
            return Set.of(MessageKind.PONG);
        }
        if (payloadType == String.class || payloadType == Reader.class) {
            return Set.of(MessageKind.TEXT);
        }
        if (payloadType == byte[].class || payloadType == ByteBuffer.class || payloadType == InputStream.class) {
            return Set.of(MessageKind.BINARY);
        }
        if (contextSource(payloadType) != null) {
            throw failure(method, "takes a " + payloadType.getSimpleName() + ", which @OnMessage cannot receive");
        }
        Class<?> boxed = PathParameters.boxed(payloadType);
        Set<MessageKind> kinds = EnumSet.noneOf(MessageKind.class);
        for (Class<? extends Decoder> decoder : decoders) {
            if (boxed.isAssignableFrom(DecoderTypes.targetType(decoder))) {
                kinds.add(DecoderTypes.kind(decoder));
            }
        }
        if (kinds.isEmpty() && PathParameters.isSupported(boxed)) {
            return Set.of(MessageKind.TEXT); // the built-in decoders for primitives and boxes read text
        }
        if (kinds.isEmpty()) {
            throw failure(method, "takes a " + payloadType.getName() + ", but no configured decoder produces one "
                    + "(configured: " + decoders.stream().map(Class::getSimpleName).toList()
                    + "); add a Decoder.Text, TextStream, Binary or BinaryStream for it to the endpoint's decoders");
        }
        return kinds;
    }

    /** {@code (Object target, Object[] arguments) Object} for {@code method}. */
    private MethodHandle invoker(Method method) throws DeploymentException {
        try {
            method.trySetAccessible();
            MethodHandle handle = MethodHandles.lookup().unreflect(method);
            int count = method.getParameterCount();
            return handle.asType(MethodType.genericMethodType(count + 1))
                    .asSpreader(Object[].class, count);
        } catch (IllegalAccessException | RuntimeException e) {
            DeploymentException failure = failure(method, "cannot be called by the container: " + e);
            failure.initCause(e);
            throw failure;
        }
    }

    private DeploymentException failure(Method method, String problem) {
        return new DeploymentException("endpoint " + type.getName() + ": method " + EndpointMethod.describe(method)
                + " " + problem);
    }
}
