package dev.ferry.jakarta.server;

import dev.ferry.jakarta.JakartaSession;
import dev.ferry.jakarta.SessionSpec;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.transport.Transport;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@link JakartaServerContainer#upgrade} decided about one request:
 * <ul>
 *   <li>{@link NotApplicable}: not a WebSocket upgrade for this container (no endpoint at that path, or not an
 *       upgrade request); the outer layer handles the request as ordinary HTTP (a servlet filter passes it on).</li>
 *   <li>{@link Rejected}: a WebSocket handshake that fails; the outer layer answers with the status, headers and
 *       body given (400 malformed, 403 origin refused, 426 unsupported version, 500 endpoint or configurator
 *       failure).</li>
 *   <li>{@link Accepted}: the outer layer answers {@code 101 Switching Protocols} with
 *       {@link Accepted#responseHeaders()}, switches protocols, and then opens the session on the upgraded
 *       connection (or calls {@link Accepted#abandon()} if it cannot).</li>
 * </ul>
 */
public sealed interface UpgradeResult {

    /** Not a WebSocket upgrade this container serves. */
    record NotApplicable(String reason) implements UpgradeResult {
        public NotApplicable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A handshake that fails.
     *
     * @param status  the HTTP status to answer with
     * @param headers headers to add to the response (for 426, {@code Sec-WebSocket-Version: 13})
     * @param body    a short plain-text explanation for the response body
     */
    record Rejected(int status, List<HttpHeader> headers, String body) implements UpgradeResult {
        public Rejected {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a rejection needs a 4xx or 5xx status, got " + status);
            }
            headers = List.copyOf(headers);
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * A handshake that succeeded: the 101 response's headers, and what it takes to open the session. The endpoint
     * instance already exists ({@code Configurator.getEndpointInstance} was called during the handshake, so an
     * instantiation failure could still become a 500).
     *
     * <p>Thread contract: hand it to one thread; open or abandon it exactly once.
     */
    final class Accepted implements UpgradeResult {
        private final List<HttpHeader> responseHeaders;
        private final String subprotocol;
        private final List<Extension> extensions;
        private final ServerEndpointConfig config;
        private final Map<String, String> pathParameters;
        private final Endpoint endpoint;
        private final WebSocketHandle handle;
        private final UpgradeRequest request;
        private final JakartaServerContainer container;
        private final AtomicBoolean used = new AtomicBoolean();

        Accepted(List<HttpHeader> responseHeaders, String subprotocol, List<Extension> extensions,
                 ServerEndpointConfig config, Map<String, String> pathParameters, Endpoint endpoint,
                 WebSocketHandle handle, UpgradeRequest request, JakartaServerContainer container) {
            this.responseHeaders = List.copyOf(responseHeaders);
            this.subprotocol = subprotocol;
            this.extensions = List.copyOf(extensions);
            this.config = config;
            // the template's order, which Session.getPathParameters() shows (Map.copyOf would shuffle it per JVM)
            this.pathParameters = pathParameters.isEmpty() ? java.util.Collections.emptyMap()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(pathParameters));
            this.endpoint = endpoint;
            this.handle = handle;
            this.request = request;
            this.container = container;
        }

        /** The headers of the {@code 101 Switching Protocols} response, after {@code modifyHandshake}. */
        public List<HttpHeader> responseHeaders() {
            return responseHeaders;
        }

        /** The negotiated subprotocol, {@code ""} when none. */
        public String subprotocol() {
            return subprotocol;
        }

        /** The negotiated extensions, as the response states them. */
        public List<Extension> extensions() {
            return extensions;
        }

        /** The connection's view of the endpoint configuration (its own user properties). */
        public ServerEndpointConfig config() {
            return config;
        }

        /** The path parameters the session reports. */
        public Map<String, String> pathParameters() {
            return pathParameters;
        }

        /** The endpoint that will run (an annotated instance is wrapped in an {@code AnnotatedEndpoint}). */
        public Endpoint endpoint() {
            return endpoint;
        }

        /** The protocol handle that did the handshake; the session drives it from here on. */
        public WebSocketHandle handle() {
            return handle;
        }

        /** The request that was upgraded. */
        public UpgradeRequest request() {
            return request;
        }

        /** The container that accepted the request. */
        public JakartaServerContainer container() {
            return container;
        }

        /**
         * Opens the session once the outer layer has sent the 101 response and switched protocols:
         * {@code onOpen} runs on the calling thread, then reading starts (see {@link JakartaSession#open}).
         *
         * @param transport the upgraded connection, not yet started; bytes the client sent right after its
         *                  handshake must still be readable from it
         * @throws IllegalStateException when this result was already opened or abandoned
         */
        public JakartaSession open(Transport transport) {
            return open(transport, false);
        }

        /**
         * As {@link #open(Transport)}, on the thread that took over the upgraded connection (a servlet container's
         * {@code HttpUpgradeHandler.init}), which the container may not let write until it returns: a blocking send
         * made by {@code onOpen} returns once its frame is queued (see {@link JakartaSession#openOnTransportThread}).
         * Saves handing the opening to another thread.
         *
         * @throws IllegalStateException when this result was already opened or abandoned
         */
        public JakartaSession openOnTransportThread(Transport transport) {
            return open(transport, true);
        }

        private JakartaSession open(Transport transport, boolean onTransportThread) {
            Objects.requireNonNull(transport, "transport");
            claim("open");
            Map<String, Object> userProperties = new ConcurrentHashMap<>();
            synchronized (config.getUserProperties()) {
                config.getUserProperties().forEach((key, value) -> {
                    if (key != null && value != null) {
                        userProperties.put(key, value);
                    }
                });
            }
            SessionSpec spec = new SessionSpec(request.requestUri(), request.queryString(), request.parameters(),
                    pathParameters, request.userPrincipal(), userProperties, subprotocol, extensions,
                    request.secure() || transport.isSecure(), null);
            return onTransportThread
                    ? JakartaSession.openOnTransportThread(container, handle, transport, endpoint, config, spec)
                    : JakartaSession.open(container, handle, transport, endpoint, config, spec);
        }

        /**
         * Releases the handle when the outer layer could not switch protocols; no session is opened.
         *
         * @throws IllegalStateException when this result was already opened or abandoned
         */
        public void abandon() {
            claim("abandon");
            handle.close();
        }

        private void claim(String action) {
            if (!used.compareAndSet(false, true)) {
                throw new IllegalStateException("cannot " + action + " an accepted upgrade twice: it was already "
                        + "opened or abandoned");
            }
        }
    }
}
