package dev.ferry.protocol.extension;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The four permessage-deflate parameters of one offer or response (RFC 7692 §7.1), read from an
 * {@link ExtensionElement} and checked for unknown names, duplicates and bad values. An immutable value.
 *
 * @param serverNoContextTakeover {@code server_no_context_takeover} is present (RFC 7692 §7.1.1.1)
 * @param clientNoContextTakeover {@code client_no_context_takeover} is present (RFC 7692 §7.1.1.2)
 * @param serverMaxWindowBits     {@code server_max_window_bits}: 8 to 15, or {@link #ABSENT} (§7.1.2.1)
 * @param clientMaxWindowBits     {@code client_max_window_bits}: 8 to 15, {@link #ABSENT}, or
 *                                {@link #NO_VALUE} (offers only: "I support the parameter", §7.1.2.2)
 */
record DeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                         int serverMaxWindowBits, int clientMaxWindowBits) {

    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /** The parameter is not in the element. */
    static final int ABSENT = 0;
    /** {@code client_max_window_bits} is in an offer without a value. */
    static final int NO_VALUE = -1;
    static final int MIN_WINDOW_BITS = 8;
    static final int MAX_WINDOW_BITS = 15;

    DeflateParameters {
        checkWindowBits(serverMaxWindowBits, false);
        checkWindowBits(clientMaxWindowBits, true);
    }

    /** Reads a client's offer: {@code client_max_window_bits} may come without a value. */
    static DeflateParameters ofOffer(ExtensionElement element) {
        return read(element, true);
    }

    /** Reads a server's response: every window size has a value. */
    static DeflateParameters ofResponse(ExtensionElement element) {
        return read(element, false);
    }

    /** The window the server's compressor may use: the value if present, else 15. */
    int serverWindowBits() {
        return serverMaxWindowBits > 0 ? serverMaxWindowBits : MAX_WINDOW_BITS;
    }

    /** The window the client's compressor may use: the value if present, else 15. */
    int clientWindowBits() {
        return clientMaxWindowBits > 0 ? clientMaxWindowBits : MAX_WINDOW_BITS;
    }

    /** The element that carries these parameters, in canonical form. */
    String toElement() {
        StringBuilder out = new StringBuilder(PerMessageDeflate.NAME);
        if (serverNoContextTakeover) {
            out.append("; ").append(SERVER_NO_CONTEXT_TAKEOVER);
        }
        if (clientNoContextTakeover) {
            out.append("; ").append(CLIENT_NO_CONTEXT_TAKEOVER);
        }
        if (serverMaxWindowBits != ABSENT) {
            out.append("; ").append(SERVER_MAX_WINDOW_BITS).append('=').append(serverMaxWindowBits);
        }
        if (clientMaxWindowBits == NO_VALUE) {
            out.append("; ").append(CLIENT_MAX_WINDOW_BITS);
        } else if (clientMaxWindowBits != ABSENT) {
            out.append("; ").append(CLIENT_MAX_WINDOW_BITS).append('=').append(clientMaxWindowBits);
        }
        return out.toString();
    }

    private static DeflateParameters read(ExtensionElement element, boolean offer) {
        if (!element.name().equalsIgnoreCase(PerMessageDeflate.NAME)) {
            throw new IllegalArgumentException("expected extension " + PerMessageDeflate.NAME + ", got "
                    + element.name());
        }
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = false;
        int serverMaxWindowBits = ABSENT;
        int clientMaxWindowBits = ABSENT;
        Set<String> seen = new HashSet<>();
        for (ExtensionElement.Parameter parameter : element.parameters()) {
            String name = parameter.name().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("expected each parameter at most once, got " + name
                        + " twice (RFC 7692 §7.1)");
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> serverNoContextTakeover = flag(parameter);
                case CLIENT_NO_CONTEXT_TAKEOVER -> clientNoContextTakeover = flag(parameter);
                case SERVER_MAX_WINDOW_BITS -> serverMaxWindowBits = windowBits(parameter);
                case CLIENT_MAX_WINDOW_BITS ->
                        clientMaxWindowBits = offer && parameter.value() == null ? NO_VALUE : windowBits(parameter);
                default -> throw new IllegalArgumentException("expected one of " + SERVER_NO_CONTEXT_TAKEOVER
                        + ", " + CLIENT_NO_CONTEXT_TAKEOVER + ", " + SERVER_MAX_WINDOW_BITS + ", "
                        + CLIENT_MAX_WINDOW_BITS + ", got unknown parameter " + parameter.name() + " (RFC 7692 §7.1)");
            }
        }
        return new DeflateParameters(serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits,
                clientMaxWindowBits);
    }

    private static boolean flag(ExtensionElement.Parameter parameter) {
        if (parameter.value() != null) {
            throw new IllegalArgumentException("expected " + parameter.name() + " without a value, got "
                    + parameter + " (RFC 7692 §7.1.1)");
        }
        return true;
    }

    /** A decimal integer from 8 to 15 without leading zeros (RFC 7692 §7.1.2.1 and §7.1.2.2). */
    private static int windowBits(ExtensionElement.Parameter parameter) {
        String value = parameter.value();
        if (value == null || !value.matches("[1-9][0-9]?")
                || Integer.parseInt(value) < MIN_WINDOW_BITS || Integer.parseInt(value) > MAX_WINDOW_BITS) {
            throw new IllegalArgumentException("expected " + parameter.name() + " with a value from "
                    + MIN_WINDOW_BITS + " to " + MAX_WINDOW_BITS + " without leading zeros, got " + parameter
                    + " (RFC 7692 §7.1.2)");
        }
        return Integer.parseInt(value);
    }

    private static void checkWindowBits(int bits, boolean valuelessAllowed) {
        boolean valid = bits == ABSENT || (bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS)
                || (valuelessAllowed && bits == NO_VALUE);
        if (!valid) {
            throw new IllegalArgumentException("window bits must be " + MIN_WINDOW_BITS + " to " + MAX_WINDOW_BITS
                    + (valuelessAllowed ? ", ABSENT or NO_VALUE" : " or ABSENT") + ", got " + bits);
        }
    }
}
