package dev.ferry.jakarta;

import dev.ferry.transport.ConnectionDriver;
import dev.ferry.transport.Scheduler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * What a container gives the sessions it opens: implemented by the server container and the client container,
 * passed to {@link JakartaSession#open}.
 *
 * <p>Defaults are read once, when a session opens; a session's setters change only that session. Methods
 * with a default implementation are optional tunables.
 *
 * <p>Thread contract: every method may be called from any thread, concurrently.
 */
public interface SessionHost {

    /** The container {@code Session.getContainer()} returns. */
    WebSocketContainer container();

    /** The container's session defaults, the ones its {@code setDefault...} methods change. */
    ContainerDefaults defaults();

    /** {@code getDefaultMaxSessionIdleTimeout()}: milliseconds, 0 or less for no timeout. */
    default long defaultMaxIdleTimeout() {
        return defaults().maxIdleTimeout();
    }

    /** {@code getDefaultMaxTextMessageBufferSize()}: the largest whole text message, in bytes of UTF-8. */
    default int defaultMaxTextMessageBufferSize() {
        return defaults().maxTextMessageBufferSize();
    }

    /** {@code getDefaultMaxBinaryMessageBufferSize()}: the largest whole binary message, in bytes. */
    default int defaultMaxBinaryMessageBufferSize() {
        return defaults().maxBinaryMessageBufferSize();
    }

    /** {@code getDefaultAsyncSendTimeout()}: milliseconds, 0 or less for no timeout. */
    default long defaultAsyncSendTimeout() {
        return defaults().asyncSendTimeout();
    }

    /**
     * Runs endpoint callbacks ({@code onOpen} excepted, see {@link JakartaSession#open}), message handlers and
     * {@code SendHandler}s. Each session serializes its own callbacks on top of it, so any executor with at
     * least one thread works; its threads should be daemons or exit when idle (clean JVM shutdown).
     */
    Executor executor();

    /** Timers for idle timeouts, close timeouts and keepalive. */
    Scheduler scheduler();

    /**
     * A new session id ({@code Session.getId()}), unique among this host's sessions; called once per session whose
     * spec brings none. The default draws a random UUID; containers count instead (see {@link SessionIds}).
     */
    default String nextSessionId() {
        return UUID.randomUUID().toString();
    }

    /**
     * The ids of a host that counts its sessions, or null to take each id from {@link #nextSessionId()}. With them a
     * session takes a number when it opens and spells its id only when asked ({@code getId}, which most sessions
     * never are), instead of keeping a string for it.
     */
    default SessionIds sessionIds() {
        return null;
    }

    /** A session has opened; called once, before {@code onOpen}. Typically records it for {@link #openSessions}. */
    void sessionOpened(JakartaSession session);

    /** A session has closed; called once, after {@code onClose} returned. */
    void sessionClosed(JakartaSession session);

    /**
     * {@code Session.getOpenSessions()}: the open sessions connected to the same endpoint as {@code session}
     * (server: the same endpoint path; client: the same container), including {@code session} while it is
     * open. A snapshot the caller may keep.
     */
    Set<Session> openSessions(JakartaSession session);

    /**
     * Keepalive: a Ping every interval, and the session ends (1006) when its Pong is late by
     * {@link #keepAliveTimeout()}. {@link Duration#ZERO} (the default) turns keepalive off.
     */
    default Duration keepAliveInterval() {
        return defaults().keepAliveInterval();
    }

    /** How long a keepalive Ping may wait for its Pong; zero means the interval. */
    default Duration keepAliveTimeout() {
        return defaults().keepAliveTimeout();
    }

    /** Close timeout, send queue bound and batch size of each session's connection. */
    default ConnectionDriver.Settings driverSettings() {
        return ConnectionDriver.Settings.defaults();
    }

    /**
     * How long a blocking send ({@code RemoteEndpoint.Basic}, send streams and writers, {@code flushBatch})
     * may wait, in milliseconds, when the session's async send timeout is 0 or less. A blocking send never
     * waits forever: it fails with a {@code SocketTimeoutException} and the connection ends.
     */
    default long blockingSendTimeout() {
        return 60_000;
    }
}
