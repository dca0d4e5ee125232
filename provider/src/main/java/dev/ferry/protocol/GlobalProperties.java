package dev.ferry.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Process-wide, read-only facts ({@code WebSocketGetGlobalProperty}).
 *
 * @param keepAliveInterval advisory keepalive interval: 30 s unless the system property
 *                          {@value WebSocketHandle#KEEPALIVE_PROPERTY} (milliseconds) says otherwise,
 *                          never under 15 s (J10). The component has no timer; drivers run it.
 */
public record GlobalProperties(Duration keepAliveInterval, List<Integer> supportedVersions,
                               int defaultReceiveBufferSize, int defaultSendBufferSize,
                               int minBufferSize, int maxBufferSize) {
    public GlobalProperties {
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        supportedVersions = List.copyOf(supportedVersions);
    }
}
