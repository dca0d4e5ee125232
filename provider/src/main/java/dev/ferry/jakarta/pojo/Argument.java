package dev.ferry.jakarta.pojo;

import java.util.Objects;

/**
 * Where one parameter of an annotated method gets its value from, decided once at deployment.
 *
 * @param source   the kind of value
 * @param name     the path variable's name for {@link Source#PATH_PARAMETER}; null otherwise
 * @param type     the parameter's declared type
 */
public record Argument(Source source, String name, Class<?> type) {

    /** The values a container can pass to an annotated method (Jakarta WebSocket 2.2 §4.1 to §4.7). */
    public enum Source { SESSION, ENDPOINT_CONFIG, CLOSE_REASON, THROWABLE, PATH_PARAMETER, PAYLOAD, LAST }

    public Argument {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        if ((source == Source.PATH_PARAMETER) != (name != null)) {
            throw new IllegalArgumentException("a name is required for, and only for, PATH_PARAMETER; got "
                    + source + " with name " + name);
        }
    }

    static Argument of(Source source, Class<?> type) {
        return new Argument(source, null, type);
    }
}
