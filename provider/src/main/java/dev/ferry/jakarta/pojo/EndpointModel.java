package dev.ferry.jakarta.pojo;

import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.Decoder;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpoint;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An annotated endpoint class read into method handles and validated: what {@link AnnotatedEndpoint} runs. Built
 * once per deployed class and shared by every connection. Immutable and thread safe.
 *
 * @param type     the annotated class
 * @param onOpen   its {@code @OnOpen} method, if any
 * @param onClose  its {@code @OnClose} method, if any
 * @param onError  its {@code @OnError} method, if any
 * @param messages its {@code @OnMessage} methods, at most one per {@link MessageKind}
 */
public record EndpointModel(Class<?> type, Optional<EndpointMethod> onOpen, Optional<EndpointMethod> onClose,
                            Optional<EndpointMethod> onError, List<MessageMethod> messages) {

    public EndpointModel {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(onOpen, "onOpen");
        Objects.requireNonNull(onClose, "onClose");
        Objects.requireNonNull(onError, "onError");
        messages = List.copyOf(messages);
    }

    /**
     * Reads and validates an annotated endpoint class.
     *
     * <p>Methods are looked up on the class and its superclasses with Java's inheritance (WSC-4.8.1, as the TCK
     * reads it): an annotated method of a superclass counts unless a subclass overrides it, and then only the
     * overriding method's own annotations count. Across the whole hierarchy, two methods for the same lifecycle
     * event, or for the same kind of message, are a mistake.
     *
     * @param type          the class
     * @param decoders      the decoders configured for it (they decide which parameter types are decodable)
     * @param pathVariables the variables of its path template (empty for a client endpoint)
     * @param path          the path, for messages (null for a client endpoint)
     * @throws DeploymentException naming the class and method at fault
     */
    public static EndpointModel read(Class<?> type, List<Class<? extends Decoder>> decoders,
                                     List<String> pathVariables, String path) throws DeploymentException {
        return new EndpointScanner(type, decoders, pathVariables, path).scan();
    }

    /** Reads a {@link ServerEndpoint @ServerEndpoint} class with its annotation's decoders and the given variables. */
    public static EndpointModel readServer(Class<?> type, List<String> pathVariables) throws DeploymentException {
        ServerEndpoint annotation = type.getAnnotation(ServerEndpoint.class);
        if (annotation == null) {
            throw new DeploymentException(type.getName() + " is not annotated with @ServerEndpoint");
        }
        return read(type, List.of(annotation.decoders()), pathVariables, annotation.value());
    }

    /** Reads a {@link ClientEndpoint @ClientEndpoint} class with its annotation's decoders. */
    public static EndpointModel readClient(Class<?> type) throws DeploymentException {
        ClientEndpoint annotation = type.getAnnotation(ClientEndpoint.class);
        if (annotation == null) {
            throw new DeploymentException(type.getName() + " is not annotated with @ClientEndpoint");
        }
        return read(type, List.of(annotation.decoders()), List.of(), null);
    }

    /** The message method handling {@code kind}, if any. */
    public Optional<MessageMethod> messageMethod(MessageKind kind) {
        return messages.stream().filter(m -> m.kinds().contains(kind)).findFirst();
    }
}
