package dev.ferry.jakarta;

import java.time.Duration;
import java.util.Objects;

/**
 * The defaults a container gives the sessions it opens from now on: idle timeout, text and binary message buffer
 * sizes, async send timeout and keepalive. One instance per container, shared by its setters and its
 * {@link SessionHost} side, so the server and the client validate and report them the same way.
 *
 * <p>Thread contract: every method may be called from any thread; each value is read and written atomically, and
 * a session reads the values once, when it opens.
 */
public final class ContainerDefaults {

    private volatile long maxIdleTimeout;
    private volatile int maxTextMessageBufferSize;
    private volatile int maxBinaryMessageBufferSize;
    private volatile long asyncSendTimeout;
    private volatile KeepAlive keepAlive = new KeepAlive(Duration.ZERO, Duration.ZERO);

    /** A ping every {@code interval}, a session ended when its pong is not back within {@code timeout}. */
    private record KeepAlive(Duration interval, Duration timeout) {
    }

    /** Defaults with no idle timeout, no async send timeout, no keepalive and this message buffer size. */
    public ContainerDefaults(int maxMessageBufferSize) {
        setMaxTextMessageBufferSize(maxMessageBufferSize);
        setMaxBinaryMessageBufferSize(maxMessageBufferSize);
    }

    /** Milliseconds a session may stay idle; zero or negative: never times out (Jakarta's convention). */
    public long maxIdleTimeout() {
        return maxIdleTimeout;
    }

    public void setMaxIdleTimeout(long millis) {
        maxIdleTimeout = millis;
    }

    public int maxTextMessageBufferSize() {
        return maxTextMessageBufferSize;
    }

    public void setMaxTextMessageBufferSize(int max) {
        maxTextMessageBufferSize = positive("max text message buffer size", max);
    }

    public int maxBinaryMessageBufferSize() {
        return maxBinaryMessageBufferSize;
    }

    public void setMaxBinaryMessageBufferSize(int max) {
        maxBinaryMessageBufferSize = positive("max binary message buffer size", max);
    }

    /** Milliseconds an async send may take; zero or negative: no limit (Jakarta's convention). */
    public long asyncSendTimeout() {
        return asyncSendTimeout;
    }

    public void setAsyncSendTimeout(long millis) {
        asyncSendTimeout = millis;
    }

    /** The keepalive ping interval; {@link Duration#ZERO}: keepalive off. */
    public Duration keepAliveInterval() {
        return keepAlive.interval();
    }

    /** How long a keepalive pong may take; {@link Duration#ZERO}: the interval. */
    public Duration keepAliveTimeout() {
        return keepAlive.timeout();
    }

    /**
     * Keepalive for the sessions opened from now on: a Ping every {@code interval}, ending a session (1006) whose
     * Pong is not back within {@code timeout} (zero: the interval). {@link Duration#ZERO} turns it off.
     */
    public void setKeepAlive(Duration interval, Duration timeout) {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || timeout.isNegative()) {
            throw new IllegalArgumentException("keepalive interval and timeout must not be negative, got "
                    + interval + " and " + timeout);
        }
        keepAlive = new KeepAlive(interval, timeout);
    }

    private static int positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }
}
