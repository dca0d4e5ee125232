package dev.ferry.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The properties a handle is created with (spec §2.6, J6, J15). Immutable; build one with
 * {@link #defaults()} or {@link #builder()}, change one with {@link #toBuilder()}.
 *
 * @param receiveBufferSize       bounds each received data chunk; default {@value #DEFAULT_BUFFER_SIZE},
 *                                {@value #MIN_BUFFER_SIZE} to {@value #MAX_BUFFER_SIZE}
 * @param sendBufferSize          client: the pooled buffer payloads are masked through, so the most payload one
 *                                {@code SEND_TO_NETWORK} carries (a longer frame takes several, J13); server:
 *                                unused (its frames go out as views of the payload); never a frame size limit;
 *                                same default (both roles, J15) and range
 * @param disableMasking          client: mask key 0 (test only, J14); server: accept unmasked client frames
 * @param disableUtf8Verification do not validate text as UTF-8
 * @param maxMessageSize          largest message accepted, in bytes after any extension's decoding;
 *                                -1 (default) for no limit; over it the handle fails with 1009
 * @param extensions              the extensions this handle can run (offer as a client, accept as a server)
 */
public record HandleProperties(int receiveBufferSize, int sendBufferSize, boolean disableMasking,
                               boolean disableUtf8Verification, long maxMessageSize,
                               List<ExtensionFactory> extensions) {

    public static final int DEFAULT_BUFFER_SIZE = 4096;
    public static final int MIN_BUFFER_SIZE = 256;
    public static final int MAX_BUFFER_SIZE = 1 << 20;

    private static final HandleProperties DEFAULTS = builder().build();

    public HandleProperties {
        checkBufferSize("receiveBufferSize", receiveBufferSize);
        checkBufferSize("sendBufferSize", sendBufferSize);
        if (maxMessageSize != -1 && maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be -1 (no limit) or at least 1, got "
                    + maxMessageSize);
        }
        extensions = List.copyOf(Objects.requireNonNull(extensions, "extensions"));
        for (int i = 0; i < extensions.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (extensions.get(i).name().equalsIgnoreCase(extensions.get(j).name())) {
                    throw new IllegalArgumentException("extension " + extensions.get(i).name()
                            + " is listed twice");
                }
            }
        }
    }

    private static void checkBufferSize(String name, int value) {
        if (value < MIN_BUFFER_SIZE || value > MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException(name + " must be between " + MIN_BUFFER_SIZE + " and "
                    + MAX_BUFFER_SIZE + ", got " + value);
        }
    }

    /** Every property at its default. */
    public static HandleProperties defaults() {
        return DEFAULTS;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these properties. */
    public Builder toBuilder() {
        return new Builder()
                .receiveBufferSize(receiveBufferSize)
                .sendBufferSize(sendBufferSize)
                .disableMasking(disableMasking)
                .disableUtf8Verification(disableUtf8Verification)
                .maxMessageSize(maxMessageSize)
                .extensions(extensions);
    }

    /** Mutable builder; {@link #build()} validates. Not thread safe. */
    public static final class Builder {
        private int receiveBufferSize = DEFAULT_BUFFER_SIZE;
        private int sendBufferSize = DEFAULT_BUFFER_SIZE;
        private boolean disableMasking;
        private boolean disableUtf8Verification;
        private long maxMessageSize = -1;
        private List<ExtensionFactory> extensions = List.of();

        private Builder() {
        }

        public Builder receiveBufferSize(int value) {
            this.receiveBufferSize = value;
            return this;
        }

        public Builder sendBufferSize(int value) {
            this.sendBufferSize = value;
            return this;
        }

        public Builder disableMasking(boolean value) {
            this.disableMasking = value;
            return this;
        }

        public Builder disableUtf8Verification(boolean value) {
            this.disableUtf8Verification = value;
            return this;
        }

        public Builder maxMessageSize(long value) {
            this.maxMessageSize = value;
            return this;
        }

        public Builder extensions(List<ExtensionFactory> value) {
            this.extensions = Objects.requireNonNull(value, "extensions");
            return this;
        }

        public HandleProperties build() {
            return new HandleProperties(receiveBufferSize, sendBufferSize, disableMasking,
                    disableUtf8Verification, maxMessageSize, extensions);
        }
    }
}
