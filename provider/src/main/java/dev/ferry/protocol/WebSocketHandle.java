package dev.ferry.protocol;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * One connection's protocol state: a Java rendering of the Windows WebSocket Protocol Component's
 * handle. No I/O, no threads, no clock. SKELETON: the engine is being written under issue #2; every
 * method but {@link #getGlobalProperties()} throws until it lands.
 */
public final class WebSocketHandle implements AutoCloseable {

    /** System property (milliseconds) that overrides the advisory keepalive interval (J10). */
    public static final String KEEPALIVE_PROPERTY = "dev.ferry.keepAliveIntervalMillis";

    private static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(30);
    private static final Duration MIN_KEEPALIVE = Duration.ofSeconds(15);

    private WebSocketHandle() {
    }

    public static WebSocketHandle createClient(HandleProperties properties) {
        throw notYet();
    }

    public static WebSocketHandle createServer(HandleProperties properties) {
        throw notYet();
    }

    public List<HttpHeader> beginClientHandshake(List<String> subprotocols, List<String> extensions,
                                                 List<HttpHeader> initialHeaders) {
        throw notYet();
    }

    public ClientHandshakeResult endClientHandshake(List<HttpHeader> responseHeaders) {
        throw notYet();
    }

    public List<HttpHeader> beginServerHandshake(String subprotocol, List<String> extensions,
                                                 List<HttpHeader> requestHeaders) {
        throw notYet();
    }

    public void endServerHandshake() {
        throw notYet();
    }

    public void send(BufferType type, ByteBuffer data, Object context) {
        throw notYet();
    }

    public void sendClose(CloseStatus status, Object context) {
        throw notYet();
    }

    public void receive(Object context) {
        throw notYet();
    }

    public Action getAction(ActionQueue queue) {
        throw notYet();
    }

    public void completeAction(Action action, long bytesTransferred) {
        throw notYet();
    }

    public void abort() {
        throw notYet();
    }

    @Override
    public void close() {
        throw notYet();
    }

    public Role role() {
        throw notYet();
    }

    public HandleState state() {
        throw notYet();
    }

    /** {@code WebSocketGetGlobalProperty}: process-wide facts. */
    public static GlobalProperties getGlobalProperties() {
        Duration keepAlive = DEFAULT_KEEPALIVE;
        String configured = System.getProperty(KEEPALIVE_PROPERTY);
        if (configured != null) {
            try {
                keepAlive = Duration.ofMillis(Long.parseLong(configured.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(KEEPALIVE_PROPERTY + " must be a number of milliseconds, got '"
                        + configured + "'", e);
            }
        }
        if (keepAlive.compareTo(MIN_KEEPALIVE) < 0) {
            keepAlive = MIN_KEEPALIVE;
        }
        return new GlobalProperties(keepAlive, List.of(13), HandleProperties.DEFAULT_BUFFER_SIZE,
                HandleProperties.DEFAULT_BUFFER_SIZE, HandleProperties.MIN_BUFFER_SIZE,
                HandleProperties.MAX_BUFFER_SIZE);
    }

    private static IllegalStateException notYet() {
        return new IllegalStateException("the protocol engine is not built yet (issue #2)");
    }
}
