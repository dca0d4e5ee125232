package dev.ferry.protocol;

import java.util.ArrayList;
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

    /** The values of every header called {@code name} in {@code headers}, in order; an unmodifiable list. */
    public static List<String> values(List<HttpHeader> headers, String name) {
        // A loop, not a stream: a handshake asks for several headers, and most are present once or not at all.
        String first = null;
        List<String> more = null;
        for (int i = 0; i < headers.size(); i++) {
            HttpHeader header = headers.get(i);
            if (!header.hasName(name)) {
                continue;
            }
            if (first == null) {
                first = header.value();
            } else {
                if (more == null) {
                    more = new ArrayList<>();
                    more.add(first);
                }
                more.add(header.value());
            }
        }
        return more != null ? List.copyOf(more) : first != null ? List.of(first) : List.of();
    }
}
