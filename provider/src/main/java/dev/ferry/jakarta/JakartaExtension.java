package dev.ferry.jakarta;

import jakarta.websocket.Extension;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An extension as the Jakarta API shows it: a name and parameters. Immutable; equal by name and parameters.
 *
 * @param name       the extension token
 * @param parameters its parameters in order
 */
public record JakartaExtension(String name, List<Extension.Parameter> parameters) implements Extension {

    public JakartaExtension {
        Objects.requireNonNull(name, "name");
        parameters = List.copyOf(parameters);
    }

    /** A parameter; {@code value} is "" for a parameter given without one. */
    public record Parameter(String name, String value) implements Extension.Parameter {
        public Parameter {
            Objects.requireNonNull(name, "name");
            value = Objects.requireNonNullElse(value, "");
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getValue() {
            return value;
        }
    }

    /**
     * Parses one {@code Sec-WebSocket-Extensions} list element, {@code name; p1; p2=value} (RFC 6455 §9.1); quoted
     * values lose their quotes.
     */
    public static JakartaExtension parse(String element) {
        String[] parts = element.split(";");
        List<Extension.Parameter> parameters = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String value = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            parameters.add(new Parameter(eq < 0 ? part : part.substring(0, eq).trim(), value));
        }
        return new JakartaExtension(parts[0].trim(), parameters);
    }

    /** The list element for this extension, {@code name; p1; p2=value}. */
    public static String format(Extension extension) {
        StringBuilder element = new StringBuilder(extension.getName());
        for (Extension.Parameter parameter : extension.getParameters()) {
            element.append("; ").append(parameter.getName());
            if (parameter.getValue() != null && !parameter.getValue().isEmpty()) {
                element.append('=').append(parameter.getValue());
            }
        }
        return element.toString();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public List<Extension.Parameter> getParameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return format(this);
    }
}
