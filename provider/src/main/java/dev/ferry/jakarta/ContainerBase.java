package dev.ferry.jakarta;

import dev.ferry.transport.ConnectionDriver;
import dev.ferry.transport.Scheduler;
import jakarta.websocket.Extension;
import jakarta.websocket.WebSocketContainer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * What Ferry's server and client containers have in common: the session defaults behind the
 * {@link WebSocketContainer} getters and setters, the installed extensions, session ids, and the executor and
 * timers their sessions run on. Each subclass says how it connects sessions and which sessions count as "open
 * together" ({@link #openSessions}).
 *
 * <p>Thread contract: thread safe; a session reads the defaults once, when it opens.
 */
public abstract class ContainerBase implements WebSocketContainer, SessionHost {

    private final ContainerDefaults defaults;
    private final InstalledExtensions extensions;
    private final Executor executor;
    private final Scheduler scheduler;
    private final SessionIds sessionIds = new SessionIds();
    private volatile ConnectionDriver.Settings driverSettings = ConnectionDriver.Settings.defaults();

    /**
     * @param maxMessageBufferSize the default largest whole text and binary message, in bytes
     * @param extensions           the extensions this container can run
     * @param executor             runs session callbacks (each session serializes its own on top of it)
     * @param scheduler            runs the sessions' timers
     */
    protected ContainerBase(int maxMessageBufferSize, InstalledExtensions extensions, Executor executor,
                            Scheduler scheduler) {
        this.defaults = new ContainerDefaults(maxMessageBufferSize);
        this.extensions = Objects.requireNonNull(extensions, "extensions");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** The extensions this container can run; install more here before sessions open. */
    public InstalledExtensions extensions() {
        return extensions;
    }

    /**
     * Keepalive for the sessions opened from now on: a Ping every {@code interval}, ending a session (1006) whose
     * Pong is not back within {@code timeout} (zero: the interval). {@link Duration#ZERO} turns it off (default).
     *
     * @throws NullPointerException     when either is null
     * @throws IllegalArgumentException when either is negative
     */
    public void setDefaultKeepAlive(Duration interval, Duration timeout) {
        defaults.setKeepAlive(interval, timeout);
    }

    /**
     * How long the sessions opened from now on wait for the peer's Close once they have sent theirs before they end
     * the connection anyway (1006); 10 s by default.
     *
     * @throws NullPointerException     when {@code timeout} is null
     * @throws IllegalArgumentException when it is zero or negative
     */
    public synchronized void setDefaultCloseTimeout(Duration timeout) {
        ConnectionDriver.Settings current = driverSettings;
        driverSettings = new ConnectionDriver.Settings(timeout, current.sendQueueLimit(), current.batchLimit());
    }

    /**
     * How many bytes of outgoing payload each session opened from now on may queue for a peer that reads slower than
     * the application sends; 4 MiB by default. Past it an asynchronous send fails at once with
     * {@link dev.ferry.transport.SendQueueFullException} and a blocking send waits for room, at most its timeout. It
     * bounds what one slow or stalled peer can make the container hold (a send made on the connection's own I/O thread
     * may stretch it, see {@link ConnectionDriver#STRETCH}).
     *
     * @throws IllegalArgumentException when {@code bytes} is zero or negative
     */
    public synchronized void setDefaultSendQueueLimit(long bytes) {
        ConnectionDriver.Settings current = driverSettings;
        driverSettings = new ConnectionDriver.Settings(current.closeTimeout(), bytes, current.batchLimit());
    }

    // ---- WebSocketContainer ------------------------------------------------------------------------------

    @Override
    public long getDefaultAsyncSendTimeout() {
        return defaults.asyncSendTimeout();
    }

    @Override
    public void setAsyncSendTimeout(long timeoutMillis) {
        defaults.setAsyncSendTimeout(timeoutMillis);
    }

    @Override
    public long getDefaultMaxSessionIdleTimeout() {
        return defaults.maxIdleTimeout();
    }

    @Override
    public void setDefaultMaxSessionIdleTimeout(long timeoutMillis) {
        defaults.setMaxIdleTimeout(timeoutMillis);
    }

    @Override
    public int getDefaultMaxBinaryMessageBufferSize() {
        return defaults.maxBinaryMessageBufferSize();
    }

    @Override
    public void setDefaultMaxBinaryMessageBufferSize(int max) {
        defaults.setMaxBinaryMessageBufferSize(max);
    }

    @Override
    public int getDefaultMaxTextMessageBufferSize() {
        return defaults.maxTextMessageBufferSize();
    }

    @Override
    public void setDefaultMaxTextMessageBufferSize(int max) {
        defaults.setMaxTextMessageBufferSize(max);
    }

    @Override
    public Set<Extension> getInstalledExtensions() {
        return extensions.asJakartaExtensions();
    }

    // ---- SessionHost -------------------------------------------------------------------------------------

    @Override
    public WebSocketContainer container() {
        return this;
    }

    @Override
    public ContainerDefaults defaults() {
        return defaults;
    }

    @Override
    public String nextSessionId() {
        return sessionIds.next();
    }

    @Override
    public SessionIds sessionIds() {
        return sessionIds;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public ConnectionDriver.Settings driverSettings() {
        return driverSettings;
    }
}
