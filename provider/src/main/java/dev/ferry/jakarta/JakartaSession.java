package dev.ferry.jakarta;

import dev.ferry.protocol.BufferType;
import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.transport.ConnectionDriver;
import dev.ferry.transport.Transport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Ferry's {@link Session}: one open WebSocket connection as the Jakarta API sees it, driving a
 * {@link WebSocketHandle} over a {@link Transport} through a {@link ConnectionDriver}.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 * open() --onOpen returns--&gt; OPEN --close(), peer's Close, idle timeout, violation, EOF--&gt; CLOSING
 * CLOSING --connection over; onError (if failed), then onClose returned--&gt; CLOSED
 * </pre>
 * {@code onClose} runs once: when our own Close has been written (a local {@code close()} or idle timeout; the
 * session still waits for the peer's answer, and data arriving meanwhile is dropped), when the peer's Close arrives
 * first (before our answer is sent), or when the connection ends without either.
 * {@link #isOpen()} is true until {@code onClose} is called. Once CLOSED, every method but {@code close},
 * {@code isOpen} and {@code getId} throws {@code IllegalStateException} (the {@code Session} contract); during
 * {@code onClose} they still work.
 *
 * <h2>Threading</h2>
 * Endpoint callbacks ({@code onOpen}, message handlers, {@code onError}, {@code onClose}) never overlap and run in
 * order, and no message is read while a handler runs. {@code onOpen} runs on the thread calling {@link #open}; anything
 * that happens before it returns waits for it. The others run on the thread that read the bytes when the transport says
 * its threads may block ({@link Transport#callbackThreadsMayBlock()}, true for servlet containers), so a message costs
 * no thread hand-off; otherwise (the NIO client's selector thread) and for stream handlers ({@code Reader},
 * {@code InputStream}, which read on while they run) they run on the host's executor. Sends ({@link Outbound}) may come
 * from any number of threads; they are queued in order and never interleaved, and a send is never refused because
 * another is in flight. The outgoing queue is bounded in bytes ({@link ConnectionDriver.Settings#sendQueueLimit()}):
 * when a slow peer fills it, blocking sends wait for room up to their timeout and asynchronous sends fail at once with
 * a {@code SendQueueFullException}. A blocking send waits at most the async send timeout (or
 * {@link SessionHost#blockingSendTimeout()} when that is 0), then fails with {@code SocketTimeoutException} and ends
 * the connection; it fails at once with an {@code IOException} when the connection dies. A blocking send made by a
 * callback running on the connection's own I/O thread returns once its frame is queued (see
 * {@link Outbound#sendBlocking(BufferType, ByteBuffer, boolean)}): waiting for the write there could wait for that very
 * thread. Small frames sent there are deferred, so the replies to the messages of one read share one write
 * ({@code ConnectionDriver}, "Deferred writes").
 *
 * <p>Thread contract: every method may be called from any thread.
 */
public final class JakartaSession implements Session {

    private static final System.Logger LOG = System.getLogger(JakartaSession.class.getName());
    private static final VarHandle BASIC;
    private static final VarHandle ASYNC;
    private static final VarHandle OUTBOUND;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            BASIC = lookup.findVarHandle(JakartaSession.class, "basic", JakartaBasicRemote.class);
            ASYNC = lookup.findVarHandle(JakartaSession.class, "async", JakartaAsyncRemote.class);
            OUTBOUND = lookup.findVarHandle(JakartaSession.class, "outbound", Outbound.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private enum State { OPENING, OPEN, CLOSED }

    /** A delivery to application code that may throw anything. */
    @FunctionalInterface
    interface Delivery {
        void run() throws Exception;
    }

    private final SessionHost host;
    private final Endpoint endpoint;
    private final EndpointConfig config;
    private final SessionSpec spec;
    // The id: given, taken from the host, or (a counting host's) a number spelled by the first getId().
    private final SessionIds ids;
    private final long idNumber;
    private volatile String id;
    private final SerialExecutor callbacks;
    private final MessageHandlers handlers;
    private final Codecs codecs;
    private final Inbound inbound;
    private final ConnectionDriver driver;
    // Created by the first get*Remote() (exactly once, through the VarHandles): an idle session has neither.
    private volatile JakartaBasicRemote basic;
    private volatile JakartaAsyncRemote async;
    /**
     * The send path, made by the first send ({@link #outbound()}, exactly once, through the VarHandle): an idle session
     * has none.
     */
    private volatile Outbound outbound;
    private volatile State state = State.OPENING;
    private volatile boolean closeReported; // onClose has started; written only by the serialized callbacks
    private volatile boolean closeNotified; // onClose, and onError for what it threw, have returned
    private volatile long maxIdleTimeout;
    private volatile int maxTextMessageBufferSize;
    private volatile int maxBinaryMessageBufferSize;
    private volatile long asyncSendTimeout;

    private JakartaSession(SessionHost host, WebSocketHandle handle, Transport transport, Endpoint endpoint,
                           EndpointConfig config, SessionSpec spec, Codecs codecs) {
        this.host = host;
        this.endpoint = endpoint;
        this.config = config;
        this.spec = spec;
        this.ids = spec.id() == null ? host.sessionIds() : null;
        this.idNumber = ids == null ? 0 : ids.nextNumber();
        this.id = ids != null ? null : spec.id() != null ? spec.id() : host.nextSessionId();
        this.callbacks = new SerialExecutor(host.executor());
        this.codecs = codecs;
        this.handlers = new MessageHandlers(codecs);
        this.inbound = new Inbound(this, handlers);
        this.driver = new ConnectionDriver(handle, transport, host.scheduler(), new DriverListener(),
                host.driverSettings());
        this.maxTextMessageBufferSize = host.defaultMaxTextMessageBufferSize();
        this.maxBinaryMessageBufferSize = host.defaultMaxBinaryMessageBufferSize();
        this.asyncSendTimeout = host.defaultAsyncSendTimeout();
    }

    /**
     * Opens a session on a connection whose opening handshake is complete: the handle is OPEN (the client has
     * called {@code endClientHandshake}; the server has called {@code beginServerHandshake} and written its 101
     * response) and {@code transport} has not been started. Bytes the peer sent right after the handshake must
     * still be readable from {@code transport}.
     *
     * <p>In order: the session's encoders and decoders are created and initialized, the host is told
     * ({@link SessionHost#sessionOpened}), the container defaults (idle timeout, buffer sizes, send timeout,
     * keepalive) are applied, {@code endpoint.onOpen} runs <em>on the calling thread</em> (an exception from it
     * goes to {@code onError}), and only then does reading start, so handlers added in {@code onOpen} see every
     * message. Sends made in {@code onOpen} are written at once.
     *
     * <p>When an encoder or decoder cannot be created, {@code onError} gets the reason and the session closes with
     * 1011 instead of calling {@code onOpen}.
     *
     * @return the open session (possibly already closing if {@code onOpen} closed it)
     */
    public static JakartaSession open(SessionHost host, WebSocketHandle handle, Transport transport,
                                      Endpoint endpoint, EndpointConfig config, SessionSpec spec) {
        return open(host, handle, transport, endpoint, config, spec, false);
    }

    /**
     * As {@link #open(SessionHost, WebSocketHandle, Transport, Endpoint, EndpointConfig, SessionSpec)}, on the thread
     * that took over the connection for its transport (a servlet container's {@code HttpUpgradeHandler.init}), which
     * the transport may not let write until it returns: {@code onOpen} runs as a callback on the connection's own I/O
     * thread does, so a blocking send it makes returns once its frame is queued (see
     * {@link Outbound#sendBlocking(BufferType, ByteBuffer, boolean)}) rather than wait for a write only this thread's
     * return allows; what it deferred is written when it returns.
     */
    public static JakartaSession openOnTransportThread(SessionHost host, WebSocketHandle handle, Transport transport,
                                                       Endpoint endpoint, EndpointConfig config, SessionSpec spec) {
        return open(host, handle, transport, endpoint, config, spec, true);
    }

    private static JakartaSession open(SessionHost host, WebSocketHandle handle, Transport transport,
                                       Endpoint endpoint, EndpointConfig config, SessionSpec spec, boolean inline) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(spec, "spec");
        Codecs codecs;
        RuntimeException codecFailure = null;
        try {
            codecs = Codecs.create(config);
        } catch (RuntimeException e) {
            codecFailure = e;
            codecs = Codecs.create(new EmptyConfig());
        }
        JakartaSession session = new JakartaSession(host, handle, transport, endpoint, config, spec, codecs);
        session.start(codecFailure, inline);
        return session;
    }

    private void start(RuntimeException codecFailure, boolean inline) {
        // Everything runs as the first callback: a driver event that comes before onOpen returns (a transport
        // failure, a close() from a thread that found the session through getOpenSessions) queues behind it.
        callbacks.runFirst(() -> {
            host.sessionOpened(this);
            setMaxIdleTimeout(host.defaultMaxIdleTimeout());
            driver.setKeepAlive(host.keepAliveInterval(), host.keepAliveTimeout());
            driver.start();
            state = State.OPEN;
            if (codecFailure != null) {
                reportError(codecFailure);
                driver.close(CloseStatus.SERVER_ERROR.withReason("encoder or decoder failed to start"));
                return;
            }
            try {
                endpoint.onOpen(this, config);
            } catch (Throwable t) {
                reportError(t);
            }
        }, inline);
        if (inline) {
            driver.flushDeferred(); // what onOpen sent inline goes out now, not with the first read
        }
        driver.resumeReceiving();
    }

    // ------------------------------------------------------------------ delivery (used by Inbound)

    /**
     * Runs {@code delivery} as the endpoint's next callback; exceptions go to {@code onError}. Called on the
     * connection's loop thread: when that thread came from the transport and may block, the callback runs on it
     * once it leaves the loop (no hand-off); otherwise on the host's executor.
     *
     * @param resumeAfter whether reading resumes when the callback returns; false for a stream handler, which
     *                    reads on while it runs and so never runs on the thread that reads
     */
    void deliver(Delivery delivery, boolean resumeAfter) {
        Runnable task = () -> {
            try {
                if (!closeReported || !resumeAfter) { // after onClose nothing more; a stream is read to its end
                    delivery.run();
                }
            } catch (Throwable t) {
                reportError(t);
            } finally {
                if (resumeAfter) {
                    driver.resumeReceiving();
                }
            }
        };
        if (!resumeAfter) {
            callbacks.executeElsewhere(task);
        } else {
            dispatch(task);
        }
    }

    /** Queues a callback: claimed by the loop's transport thread when it may run it, else on the executor. */
    private void dispatch(Runnable task) {
        if (driver.isTransportThread()) {
            callbacks.claim(task);
        } else {
            callbacks.execute(task);
        }
    }

    void resumeReceiving() {
        driver.resumeReceiving();
    }

    /** During a chunk's delivery to {@link Inbound}: bytes of its frame still to come (a sizing hint). */
    long receiveBytesAhead() {
        return driver.receiveBytesAhead();
    }

    /** A message grew over {@code limit} bytes (UTF-8 for text): close with 1009 (RFC 6455 §7.4.1). */
    void messageTooBig(boolean text, long limit) {
        driver.close(CloseStatus.MESSAGE_TOO_BIG.withReason((text ? "text" : "binary") + " message over "
                + limit + " bytes"));
    }

    private void reportError(Throwable t) {
        try {
            endpoint.onError(this, t);
        } catch (Throwable again) {
            LOG.log(System.Logger.Level.WARNING, "onError of " + endpoint.getClass().getName() + " threw", again);
        }
    }

    private final class DriverListener implements ConnectionDriver.Listener {
        @Override
        public boolean onReceive(BufferType type, ByteBuffer data) {
            return type == BufferType.PONG ? inbound.onPong(data) : inbound.onChunk(type, data);
        }

        /** {@code onClose} runs first, then our Close answers the peer's (sends made in onClose go before it). */
        @Override
        public void afterTransportCallback() {
            try {
                callbacks.runClaimed();
            } finally {
                driver.flushDeferred(); // replies sent inline may wait for the next read; this thread reads no more
            }
        }

        @Override
        public void onPeerClose(CloseStatus status) {
            dispatch(() -> {
                try {
                    notifyClose(status);
                } finally {
                    driver.close(ConnectionDriver.echo(status));
                }
            });
        }

        /**
         * Our Close went out: {@code onClose} runs now, not after the peer's answer, as {@code Session.close} says
         * ("after the close notification has been sent the implementation notifies the endpoint's onClose").
         */
        @Override
        public void onCloseSent(CloseStatus status) {
            dispatch(() -> {
                if (!closeReported) {
                    notifyClose(status);
                }
            });
        }

        @Override
        public void onClosed(CloseStatus status, Throwable failure) {
            inbound.connectionClosed(() -> new IOException("the connection closed before the message ended ("
                    + status.code() + ")", failure));
            Outbound sending = outbound;
            if (sending != null) {
                sending.failHeld(status, failure);
            }
            dispatch(() -> {
                try {
                    if (failure != null) {
                        reportError(failure);
                    }
                    if (!closeReported) {
                        notifyClose(status);
                    }
                } finally {
                    state = State.CLOSED;
                    markCloseNotified(); // also when onClose never ran (nothing left to wait for)
                    codecs.destroy();
                    host.sessionClosed(JakartaSession.this);
                }
            });
        }
    }

    /** Calls {@code onClose}, and {@code onError} for what it throws; on the serialized callbacks, once. */
    private void notifyClose(CloseStatus status) {
        closeReported = true;
        try {
            endpoint.onClose(this, CloseReasons.toCloseReason(status));
        } catch (Throwable t) {
            reportError(t);
        } finally {
            markCloseNotified();
        }
    }

    /**
     * Wakes {@code close()} calls waiting in {@link #awaitCloseNotified}. They wait on the monitor of
     * {@link #callbacks}, which the application cannot reach, so no caller of ours can hold it.
     */
    private void markCloseNotified() {
        closeNotified = true;
        synchronized (callbacks) {
            callbacks.notifyAll();
        }
    }

    /**
     * After {@code close()} on a thread that runs no session callbacks (an application thread, a test's main
     * thread): waits until {@code onClose}, and {@code onError} for what it threw, have returned, at most the close
     * timeout, as a container that runs {@code onClose} inside {@code close()} would. Callback threads do not wait:
     * this session's {@code onClose} may be queued behind them, or need their pool.
     */
    private void awaitCloseNotified() throws IOException {
        if (closeNotified || SerialExecutor.isCallbackThread() || driver.isTransportThread()) {
            return;
        }
        long deadline = System.nanoTime() + host.driverSettings().closeTimeout().toNanos();
        synchronized (callbacks) {
            long left;
            while (!closeNotified && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(callbacks, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for onClose");
                }
            }
        }
    }

    // ------------------------------------------------------------------ sending (used by the remotes)

    Codecs codecs() {
        return codecs;
    }

    SessionHost host() {
        return host;
    }

    ConnectionDriver driver() {
        return driver;
    }

    long asyncSendTimeout() {
        return asyncSendTimeout;
    }

    void asyncSendTimeout(long millis) {
        asyncSendTimeout = millis;
    }

    /** The session's send path, made by the first caller. */
    Outbound outbound() {
        Outbound existing = outbound;
        if (existing != null) {
            return existing;
        }
        Outbound created = new Outbound(this, host, driver, callbacks);
        Outbound witness = (Outbound) OUTBOUND.compareAndExchange(this, (Outbound) null, created);
        return witness != null ? witness : created;
    }

    void checkNotClosed() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("session " + getId() + " is closed; only close(), isOpen() and getId() may"
                    + " be called on a closed session");
        }
    }

    // ------------------------------------------------------------------ Session

    @Override
    public WebSocketContainer getContainer() {
        checkNotClosed();
        return host.container();
    }

    @Override
    public void addMessageHandler(MessageHandler handler) {
        checkNotClosed();
        handlers.add(handler);
    }

    @Override
    public <T> void addMessageHandler(Class<T> clazz, MessageHandler.Whole<T> handler) {
        checkNotClosed();
        handlers.add(clazz, handler, false);
    }

    @Override
    public <T> void addMessageHandler(Class<T> clazz, MessageHandler.Partial<T> handler) {
        checkNotClosed();
        handlers.add(clazz, handler, true);
    }

    @Override
    public Set<MessageHandler> getMessageHandlers() {
        checkNotClosed();
        return handlers.all();
    }

    @Override
    public void removeMessageHandler(MessageHandler handler) {
        checkNotClosed();
        handlers.remove(handler);
    }

    @Override
    public String getProtocolVersion() {
        checkNotClosed();
        return "13";
    }

    @Override
    public String getNegotiatedSubprotocol() {
        checkNotClosed();
        return spec.subprotocol();
    }

    @Override
    public List<Extension> getNegotiatedExtensions() {
        checkNotClosed();
        return spec.extensions();
    }

    @Override
    public boolean isSecure() {
        checkNotClosed();
        return spec.secure();
    }

    /**
     * True until {@code onClose} is called: through a close handshake we started (the connection is still open
     * then, as the Javadoc's "underlying socket" asks), false from the moment {@code onClose} runs and after.
     */
    @Override
    public boolean isOpen() {
        return state != State.CLOSED && !closeReported;
    }

    @Override
    public long getMaxIdleTimeout() {
        checkNotClosed();
        return maxIdleTimeout;
    }

    /**
     * Closes the session after {@code milliseconds} without a message sent or received; 0 or less: never. The peer
     * gets 1001 (going away); this session's endpoint gets 1006 in {@code onClose}, as WSC-2.1.5 requires of a close
     * the local container started.
     */
    @Override
    public void setMaxIdleTimeout(long milliseconds) {
        checkNotClosed();
        maxIdleTimeout = Math.max(0, milliseconds);
        driver.setIdleTimeout(Duration.ofMillis(maxIdleTimeout));
    }

    /**
     * Whole binary messages over {@code length} bytes close the session with 1009.
     *
     * @throws IllegalArgumentException if {@code length} is 0 or negative (no message could be received), as
     *                                  {@code WebSocketContainer.setDefaultMaxBinaryMessageBufferSize} refuses it
     */
    @Override
    public void setMaxBinaryMessageBufferSize(int length) {
        checkNotClosed();
        maxBinaryMessageBufferSize = positiveBufferSize("binary", length);
    }

    @Override
    public int getMaxBinaryMessageBufferSize() {
        checkNotClosed();
        return maxBinaryMessageBufferSize;
    }

    /**
     * Whole text messages over {@code length} bytes of UTF-8 close the session with 1009. Bytes, not characters:
     * the container default this overrides is "in number of bytes" ({@code WebSocketContainer}), as is
     * {@code @OnMessage(maxMessageSize)}, and bytes are what arrives and what is buffered.
     *
     * @throws IllegalArgumentException if {@code length} is 0 or negative (no message could be received), as
     *                                  {@code WebSocketContainer.setDefaultMaxTextMessageBufferSize} refuses it
     */
    @Override
    public void setMaxTextMessageBufferSize(int length) {
        checkNotClosed();
        maxTextMessageBufferSize = positiveBufferSize("text", length);
    }

    private static int positiveBufferSize(String kind, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("expected a positive max " + kind + " message buffer size, got "
                    + length + " (0 or less would refuse every message; WebSocketContainer's default refuses it too)");
        }
        return length;
    }

    @Override
    public int getMaxTextMessageBufferSize() {
        checkNotClosed();
        return maxTextMessageBufferSize;
    }

    @Override
    public RemoteEndpoint.Async getAsyncRemote() {
        checkNotClosed();
        JakartaAsyncRemote existing = async;
        if (existing != null) {
            return existing;
        }
        JakartaAsyncRemote created = new JakartaAsyncRemote(this);
        JakartaAsyncRemote witness = (JakartaAsyncRemote) ASYNC.compareAndExchange(this, (JakartaAsyncRemote) null,
                created);
        return witness != null ? witness : created;
    }

    @Override
    public RemoteEndpoint.Basic getBasicRemote() {
        checkNotClosed();
        JakartaBasicRemote existing = basic;
        if (existing != null) {
            return existing;
        }
        JakartaBasicRemote created = new JakartaBasicRemote(this);
        JakartaBasicRemote witness = (JakartaBasicRemote) BASIC.compareAndExchange(this, (JakartaBasicRemote) null,
                created);
        return witness != null ? witness : created;
    }

    @Override
    public String getId() {
        String spelled = id;
        if (spelled == null) {
            spelled = ids.id(idNumber); // threads that race here spell equal strings
            id = spelled;
        }
        return spelled;
    }

    @Override
    public void close() throws IOException {
        close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
    }

    /**
     * Starts the close handshake: queued messages are sent first, then our Close; {@code onClose} gets
     * {@code closeReason} as soon as our Close is written (the Javadoc of {@code Session.close}), and messages that
     * arrive after it are dropped; the session then waits for the peer's Close (at most the close timeout) and
     * closes the connection.
     * Codes that may not be sent: 1005 sends a Close without a body; 1006 and 1015 end the connection at once
     * without a Close frame; any other (1004, 1016 to 2999) is refused with {@code IllegalArgumentException}.
     * On a thread that runs no session callbacks it returns once {@code onClose} (and {@code onError} for what it
     * threw) has returned, waiting at most the close timeout; on a callback thread it returns at once. Calling it
     * again, or on a closed session, does nothing.
     */
    @Override
    public void close(CloseReason closeReason) throws IOException {
        startClose(closeReason);
        awaitCloseNotified();
    }

    /**
     * {@link #close(CloseReason)} without waiting for {@code onClose}, on any thread: for a container closing all
     * its sessions at once (one that cannot send its Close must not hold up the rest).
     */
    public void startClose(CloseReason closeReason) {
        Objects.requireNonNull(closeReason, "closeReason");
        if (state == State.CLOSED) {
            return;
        }
        CloseStatus status = CloseReasons.toCloseStatus(closeReason);
        int code = status.code();
        if (code == CloseStatus.ABORTED.code() || code == CloseStatus.SECURE_HANDSHAKE_ERROR.code()) {
            driver.terminate(status, null);
        } else if (code == CloseStatus.EMPTY.code() || CloseStatus.isSendable(code)) {
            driver.close(status);
        } else {
            throw new IllegalArgumentException("close code " + code + " may not be sent in a Close frame; use 1000 "
                    + "to 1003, 1007 to 1014 or 3000 to 4999 (RFC 6455 §7.4)");
        }
    }

    @Override
    public URI getRequestURI() {
        checkNotClosed();
        return spec.requestUri();
    }

    @Override
    public Map<String, List<String>> getRequestParameterMap() {
        checkNotClosed();
        return spec.requestParameters();
    }

    @Override
    public String getQueryString() {
        checkNotClosed();
        return spec.queryString();
    }

    @Override
    public Map<String, String> getPathParameters() {
        checkNotClosed();
        return spec.pathParameters();
    }

    @Override
    public Map<String, Object> getUserProperties() {
        checkNotClosed();
        return spec.userProperties();
    }

    /**
     * The user the server authenticated for the opening handshake ({@code HandshakeRequest.getUserPrincipal()}), or
     * null when none was. A client session always returns null: the Javadoc's "authenticated user for this
     * session" is the user a server authenticated, and a client authenticates no one (credentials a client sends
     * in its handshake, say through {@code ClientEndpointConfig.Configurator.beforeRequest}, are the server's to
     * check and never come back as a principal).
     */
    @Override
    public Principal getUserPrincipal() {
        checkNotClosed();
        return spec.userPrincipal();
    }

    @Override
    public Set<Session> getOpenSessions() {
        checkNotClosed();
        return host.openSessions(this);
    }

    // ------------------------------------------------------------------ Ferry extras

    /**
     * Keepalive for this session: a Ping every {@code interval}; the connection ends (onClose 1006) when a Pong
     * is not back within {@code timeout} (zero: the interval). A zero interval turns it off.
     */
    public void setKeepAlive(Duration interval, Duration timeout) {
        checkNotClosed();
        driver.setKeepAlive(interval, timeout);
    }

    /** The endpoint this session calls. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The configuration the endpoint was opened with. */
    public EndpointConfig endpointConfig() {
        return config;
    }

    @Override
    public String toString() {
        return "JakartaSession[" + getId() + ", " + spec.requestUri() + (isOpen() ? ", open" : ", closed") + "]";
    }

    /** A configuration with no encoders or decoders, used when the real ones failed to start. */
    private static final class EmptyConfig implements EndpointConfig {
        @Override
        public List<Class<? extends jakarta.websocket.Encoder>> getEncoders() {
            return List.of();
        }

        @Override
        public List<Class<? extends jakarta.websocket.Decoder>> getDecoders() {
            return List.of();
        }

        @Override
        public Map<String, Object> getUserProperties() {
            return Map.of();
        }
    }
}
