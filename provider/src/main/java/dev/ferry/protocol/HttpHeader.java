package dev.ferry.protocol;

import java.util.List;
import java.util.Objects;

/** One HTTP header of the opening handshake. Names compare case-insensitively (RFC 7230 §3.2). */
public record HttpHeader(String name, String value) {
    public HttpHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
    }

    /** Whether this header has the given name, ignoring case. */
    public boolean hasName(String other) {
        return name.equalsIgnoreCase(other);
    }

    /** The values of every header called {@code name} in {@code headers}, in order. */
    public static List<String> values(List<HttpHeader> headers, String name) {
        return headers.stream().filter(h -> h.hasName(name)).map(HttpHeader::value).toList();
    }
}
