package dev.ferry.jakarta.server;

import dev.ferry.jakarta.ExtensionHeader;
import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.jakarta.QueryParameters;
import dev.ferry.jakarta.pojo.AnnotatedEndpoint;
import dev.ferry.jakarta.pojo.EndpointModel;
import dev.ferry.protocol.ExtensionFactory;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.VersionNotSupportedException;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.protocol.WebSocketProtocolException;
import dev.ferry.protocol.handshake.HeaderValues;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server side of one opening handshake (RFC 6455 §4.2), in this order:
 * <ol>
 *   <li>the request must be a GET asking to upgrade to websocket (§4.2.1), else 400;</li>
 *   <li>{@code Configurator.checkOrigin} with the {@code Origin} header (§4.2.2 step 4; 403 when refused);</li>
 *   <li>{@code getNegotiatedSubprotocol} over the endpoint's and the client's lists, and
 *       {@code getNegotiatedExtensions} over the installed and the requested extensions;</li>
 *   <li>the protocol handle validates the request and formulates the 101 headers (426 with
 *       {@code Sec-WebSocket-Version: 13} for another version, 400 for anything malformed); the extensions'
 *       factories negotiate their parameters here;</li>
 *   <li>{@code modifyHandshake} with the request and a mutable view of those headers, whose edits
 *       {@link ResponseHeaders} then settles (the handshake's own headers stay as the handle formulated them);</li>
 *   <li>{@code getEndpointInstance} (500 when it fails).</li>
 * </ol>
 * Used once, on one thread.
 */
final class ServerHandshake {

    private static final System.Logger LOG = System.getLogger(ServerHandshake.class.getName());

    private final JakartaServerContainer container;
    private final UpgradeRequest request;
    private final ServerEndpointConfig deployed;
    private final Map<String, String> pathParameters;

    ServerHandshake(JakartaServerContainer container, UpgradeRequest request, ServerEndpointConfig deployed,
                    Map<String, String> pathParameters) {
        this.container = container;
        // HandshakeRequest.getParameterMap and Session.getRequestParameterMap: the query's parameters and the
        // path parameters of the matched template (as the TCK's handshakerequest tests expect).
        Map<String, List<String>> query = request.parameters().isEmpty()
                ? QueryParameters.parse(request.queryString()) : request.parameters();
        this.request = request.with(request.completeRequestUri(),
                QueryParameters.withPathParameters(query, pathParameters));
        this.deployed = deployed;
        this.pathParameters = pathParameters;
    }

    /**
     * Whether a request asks for a WebSocket upgrade at all: a GET with {@code Upgrade: websocket}. Anything else
     * is ordinary HTTP that the outer layer may serve on the same path; a request that asks but gets the rest of
     * the handshake wrong is rejected by {@link #run}.
     */
    static boolean asksForWebSocket(UpgradeRequest request) {
        return request.method().equals("GET") && hasToken(request.headerValues("Upgrade"), "websocket");
    }

    /** RFC 6455 §4.2.1 items 1, 3 and 4. */
    private static boolean isUpgradeRequest(UpgradeRequest request) {
        return asksForWebSocket(request) && hasToken(request.headerValues("Connection"), "upgrade");
    }

    /** Whether a comma-separated element of {@code values} is {@code token}, ignoring case and surrounding space. */
    private static boolean hasToken(List<String> values, String token) {
        for (String value : values) {
            int start = 0;
            for (int comma; (comma = value.indexOf(',', start)) >= 0; start = comma + 1) {
                if (HeaderValues.isElement(value, start, comma, token)) {
                    return true;
                }
            }
            if (HeaderValues.isElement(value, start, value.length(), token)) {
                return true;
            }
        }
        return false;
    }

    UpgradeResult run() {
        if (!isUpgradeRequest(request)) {
            return reject(400, "expected a GET with 'Upgrade: websocket' and 'Connection: Upgrade', got "
                    + request.method() + " with Upgrade " + request.headerValues("Upgrade") + " and Connection "
                    + request.headerValues("Connection") + " (RFC 6455 §4.2.1)");
        }
        ServerEndpointConfig.Configurator configurator = deployed.getConfigurator() != null
                ? deployed.getConfigurator() : new DefaultConfigurator();
        List<String> origins = request.headerValues("Origin");
        String origin = origins.isEmpty() ? null : origins.get(0);
        if (!configurator.checkOrigin(origin)) {
            return reject(403, "origin " + origin + " refused by the endpoint's configurator (RFC 6455 §4.2.2)");
        }
        PerConnectionConfig config = new PerConnectionConfig(deployed, configurator);

        List<String> requestedProtocols = tokens(request.headerValues("Sec-WebSocket-Protocol"));
        String subprotocol = configurator.getNegotiatedSubprotocol(deployed.getSubprotocols(), requestedProtocols);
        subprotocol = subprotocol == null || subprotocol.isEmpty() ? null : subprotocol;

        InstalledExtensions installed = container.extensions();
        List<Extension> requested = ExtensionHeader.parse(request.headerValues("Sec-WebSocket-Extensions"));
        List<Extension> negotiated = configurator.getNegotiatedExtensions(available(installed), requested);
        // Most handshakes negotiate no extension: then no lists are made for them.
        boolean none = negotiated == null || negotiated.isEmpty();
        List<String> elements = none ? List.of() : new ArrayList<>();
        List<ExtensionFactory> factories = none ? List.of() : new ArrayList<>();
        for (Extension extension : none ? List.<Extension>of() : negotiated) {
            if (!hasNamed(requested, extension.getName())) {
                // RFC 6455 §9.1: the server may only accept what the client offered.
                LOG.log(System.Logger.Level.WARNING, () -> "configurator of " + deployed.getPath()
                        + " negotiated extension " + extension.getName() + ", which the client did not offer; left out");
                continue;
            }
            ExtensionFactory factory = factoryFor(installed, extension.getName());
            if (factory == null) {
                LOG.log(System.Logger.Level.WARNING, () -> "configurator of " + deployed.getPath()
                        + " negotiated extension " + extension.getName() + ", which is neither installed nor "
                        + "configured for the endpoint; left out");
                continue;
            }
            elements.add(ExtensionHeader.format(extension));
            if (!hasFactoryNamed(factories, factory.name())) {
                factories.add(factory);
            }
        }

        WebSocketHandle handle = WebSocketHandle.createServer(HandleProperties.builder().extensions(factories).build());
        List<HttpHeader> responseHeaders;
        try {
            responseHeaders = handle.beginServerHandshake(subprotocol, elements, request.headers());
        } catch (VersionNotSupportedException e) {
            handle.close();
            return new UpgradeResult.Rejected(426, List.of(new HttpHeader("Sec-WebSocket-Version", "13")),
                    e.getMessage());
        } catch (WebSocketProtocolException | IllegalArgumentException e) {
            handle.close();
            return reject(400, e.getMessage());
        }

        JakartaHandshakeResponse response = new JakartaHandshakeResponse(responseHeaders);
        Endpoint endpoint;
        try {
            configurator.modifyHandshake(config, new JakartaHandshakeRequest(request), response);
            endpoint = endpoint(configurator);
        } catch (InstantiationException | DeploymentException | RuntimeException e) {
            handle.close();
            LOG.log(System.Logger.Level.ERROR, () -> "handshake for endpoint " + deployed.getEndpointClass().getName()
                    + " at " + request.endpointPath() + " failed", e);
            return reject(500, "the endpoint could not be set up: " + e.getMessage());
        }
        ResponseHeaders.Settled settled = ResponseHeaders.settle(responseHeaders, response.toHeaders(),
                requestedProtocols);
        if (!settled.overruled().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, () -> "modifyHandshake of " + configurator.getClass().getName()
                    + " at " + deployed.getPath() + " edited response headers " + settled.overruled()
                    + ", which must describe the connection being opened; those edits were not applied (see ResponseHeaders)");
        }
        List<Extension> agreed = ExtensionHeader.parse(HttpHeader.values(settled.headers(), "Sec-WebSocket-Extensions"));
        return new UpgradeResult.Accepted(settled.headers(), settled.subprotocol(), agreed, config, pathParameters,
                endpoint, handle, request, container);
    }

    /**
     * The {@code installed} list given to {@code getNegotiatedExtensions}: the extensions the endpoint's
     * configuration lists, in its order, then the container's installed extensions not listed there (the TCK's
     * reading of the Javadoc: the application's first, container-provided ones after).
     */
    private List<Extension> available(InstalledExtensions installed) {
        List<Extension> configured = deployed.getExtensions() == null ? List.of() : deployed.getExtensions();
        List<Extension> all = new ArrayList<>(configured);
        for (Extension extension : installed.asJakartaExtensions()) {
            if (!hasNamed(configured, extension.getName())) {
                all.add(extension);
            }
        }
        return all;
    }

    /**
     * The factory that runs an extension: the installed one of that name, or, for an extension the endpoint's
     * configuration lists but nothing installed implements, one that takes part in negotiation only
     * ({@link InstalledExtensions#noOp}: the Jakarta API has no way for an application to transform frames, so an
     * extension it declares can only be negotiated); null when the name is neither installed nor configured.
     */
    private ExtensionFactory factoryFor(InstalledExtensions installed, String name) {
        var factory = installed.find(name);
        if (factory.isPresent()) {
            return factory.get();
        }
        List<Extension> configured = deployed.getExtensions() == null ? List.of() : deployed.getExtensions();
        return hasNamed(configured, name) ? InstalledExtensions.noOp(name) : null;
    }

    /** Whether one of {@code extensions} is called {@code name}, ignoring case (a loop: this runs per handshake). */
    private static boolean hasNamed(List<Extension> extensions, String name) {
        for (Extension extension : extensions) {
            if (extension.getName().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasFactoryNamed(List<ExtensionFactory> factories, String name) {
        for (ExtensionFactory factory : factories) {
            if (factory.name().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private Endpoint endpoint(ServerEndpointConfig.Configurator configurator)
            throws InstantiationException, DeploymentException {
        Class<?> type = deployed.getEndpointClass();
        Object instance = configurator.getEndpointInstance(type);
        if (instance == null) {
            throw new InstantiationException("configurator " + configurator.getClass().getName()
                    + " returned no instance of " + type.getName());
        }
        if (instance instanceof Endpoint programmatic) {
            return programmatic;
        }
        EndpointModel model = container.model(type);
        if (model == null) {
            // Not deployed (upgradeHttpToWebSocket with an ad-hoc configuration): read it now.
            model = EndpointModel.read(type, deployed.getDecoders(), List.copyOf(pathParameters.keySet()),
                    deployed.getPath());
        }
        return new AnnotatedEndpoint(model, instance);
    }

    private static List<String> tokens(List<String> values) {
        if (values.isEmpty()) {
            return List.of(); // no Sec-WebSocket-Protocol, the usual case
        }
        List<String> tokens = new ArrayList<>();
        for (String value : values) {
            for (String element : value.split(",")) {
                String token = element.trim();
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
        }
        return tokens;
    }

    private static UpgradeResult.Rejected reject(int status, String body) {
        return new UpgradeResult.Rejected(status, List.of(), body == null ? "" : body);
    }
}
