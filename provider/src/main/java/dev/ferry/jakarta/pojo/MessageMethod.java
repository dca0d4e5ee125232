package dev.ferry.jakarta.pojo;

import java.util.Objects;
import java.util.Set;

/**
 * An {@code @OnMessage} method and the messages it takes.
 *
 * @param method         the method
 * @param kinds          the message kinds it handles (two for a type with both a text and a binary decoder)
 * @param payloadType    the message parameter's type, boxed when primitive: what the session is asked to deliver
 * @param partial        whether it takes parts of messages ({@code boolean last})
 * @param maxMessageSize {@code @OnMessage(maxMessageSize)}: -1 for no limit
 */
public record MessageMethod(EndpointMethod method, Set<MessageKind> kinds, Class<?> payloadType, boolean partial,
                            long maxMessageSize) {

    public MessageMethod {
        Objects.requireNonNull(method, "method");
        kinds = Set.copyOf(kinds);
        Objects.requireNonNull(payloadType, "payloadType");
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a message method handles at least one kind of message");
        }
    }
}
