package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.jakarta.client.JakartaClientContainer;
import dev.ferry.jakarta.server.JakartaServerContainer;
import dev.ferry.transport.ConnectionDriver;
import jakarta.websocket.WebSocketContainer;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both containers keep their defaults in one {@link ContainerDefaults}: same checks, same reports. */
class ContainerDefaultsTest {

    static Stream<WebSocketContainer> containers() {
        return Stream.of(new JakartaServerContainer(), new JakartaClientContainer());
    }

    @ParameterizedTest
    @MethodSource("containers")
    void settersAreReadBackByTheContainerAndBySessions(WebSocketContainer container) {
        container.setDefaultMaxSessionIdleTimeout(1234);
        container.setAsyncSendTimeout(567);
        container.setDefaultMaxTextMessageBufferSize(8901);
        container.setDefaultMaxBinaryMessageBufferSize(2345);
        SessionHost host = (SessionHost) container;

        assertEquals(1234, container.getDefaultMaxSessionIdleTimeout());
        assertEquals(1234, host.defaultMaxIdleTimeout());
        assertEquals(567, container.getDefaultAsyncSendTimeout());
        assertEquals(567, host.defaultAsyncSendTimeout());
        assertEquals(8901, container.getDefaultMaxTextMessageBufferSize());
        assertEquals(8901, host.defaultMaxTextMessageBufferSize());
        assertEquals(2345, container.getDefaultMaxBinaryMessageBufferSize());
        assertEquals(2345, host.defaultMaxBinaryMessageBufferSize());
    }

    @ParameterizedTest
    @MethodSource("containers")
    void nonPositiveBufferSizesAreRefusedAndLeaveTheValue(WebSocketContainer container) {
        int text = container.getDefaultMaxTextMessageBufferSize();
        int binary = container.getDefaultMaxBinaryMessageBufferSize();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> container.setDefaultMaxTextMessageBufferSize(0));
        assertEquals("max text message buffer size must be positive, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> container.setDefaultMaxBinaryMessageBufferSize(-1));

        assertEquals(text, container.getDefaultMaxTextMessageBufferSize());
        assertEquals(binary, container.getDefaultMaxBinaryMessageBufferSize());
    }

    @ParameterizedTest
    @MethodSource("containers")
    void keepAliveIsOffByDefaultAndANegativeDurationIsRefused(WebSocketContainer container) {
        SessionHost host = (SessionHost) container;
        assertEquals(Duration.ZERO, host.keepAliveInterval());

        ContainerDefaults defaults = new ContainerDefaults(1);
        defaults.setKeepAlive(Duration.ofSeconds(20), Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(20), defaults.keepAliveInterval());
        assertEquals(Duration.ofSeconds(5), defaults.keepAliveTimeout());
        assertThrows(IllegalArgumentException.class,
                () -> defaults.setKeepAlive(Duration.ofSeconds(-1), Duration.ZERO));
        assertEquals(Duration.ofSeconds(20), defaults.keepAliveInterval());
    }

    @ParameterizedTest
    @MethodSource("containers")
    void theContainersKeepAliveSetterReachesItsSessionsAndRefusesNull(WebSocketContainer container) {
        ContainerBase base = (ContainerBase) container;
        base.setDefaultKeepAlive(Duration.ofSeconds(30), Duration.ofSeconds(3));
        assertEquals(Duration.ofSeconds(30), base.keepAliveInterval());
        assertEquals(Duration.ofSeconds(3), base.keepAliveTimeout());

        NullPointerException e = assertThrows(NullPointerException.class,
                () -> base.setDefaultKeepAlive(null, Duration.ZERO));
        assertEquals("interval", e.getMessage());
        assertEquals(Duration.ofSeconds(30), base.keepAliveInterval());

        base.setDefaultKeepAlive(Duration.ZERO, Duration.ZERO);
        assertEquals(Duration.ZERO, base.keepAliveInterval());
    }

    @ParameterizedTest
    @MethodSource("containers")
    void theCloseTimeoutSetterReachesItsSessionsAndRefusesZero(WebSocketContainer container) {
        ContainerBase base = (ContainerBase) container;
        assertEquals(Duration.ofSeconds(10), base.driverSettings().closeTimeout());

        base.setDefaultCloseTimeout(Duration.ofMillis(250));
        assertEquals(Duration.ofMillis(250), base.driverSettings().closeTimeout());
        assertEquals(ConnectionDriver.Settings.defaults().sendQueueLimit(), base.driverSettings().sendQueueLimit());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base.setDefaultCloseTimeout(Duration.ZERO));
        assertEquals("closeTimeout must be positive, got PT0S", e.getMessage());
        assertThrows(NullPointerException.class, () -> base.setDefaultCloseTimeout(null));
        assertEquals(Duration.ofMillis(250), base.driverSettings().closeTimeout());
    }

    @ParameterizedTest
    @MethodSource("containers")
    void theSendQueueLimitSetterReachesItsSessionsAndRefusesZero(WebSocketContainer container) {
        ContainerBase base = (ContainerBase) container;
        assertEquals(4L << 20, base.driverSettings().sendQueueLimit());
        base.setDefaultCloseTimeout(Duration.ofMillis(250));

        base.setDefaultSendQueueLimit(64 << 10);
        assertEquals(64 << 10, base.driverSettings().sendQueueLimit());
        assertEquals(Duration.ofMillis(250), base.driverSettings().closeTimeout(), "the other settings stay");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base.setDefaultSendQueueLimit(0));
        assertEquals("sendQueueLimit must be positive, got 0", e.getMessage());
        assertEquals(64 << 10, base.driverSettings().sendQueueLimit());
    }
}
