package dev.ferry.jakarta.server;

import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.jakarta.pojo.AnnotatedEndpoint;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.extension.PerMessageDeflate;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upgrade seam with canned requests: every outcome the outer layer must handle. */
class UpgradeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; // RFC 6455 §1.3

    public static final class Echo extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
        }
    }

    @ServerEndpoint(value = "/chat/{room}", subprotocols = {"chat", "json"})
    public static final class Chat {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    /** Refuses one origin, records what modifyHandshake saw, adds a header. */
    public static final class Recording extends ServerEndpointConfig.Configurator {

        @Override
        public boolean checkOrigin(String origin) {
            return !"http://evil.example".equals(origin);
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            sec.getUserProperties().put("user-agent", request.getHeaders().get("user-agent").get(0));
            Principal principal = request.getUserPrincipal();
            sec.getUserProperties().put("principal", principal == null ? "none" : principal.getName());
            sec.getUserProperties().put("admin", request.isUserInRole("admin"));
            sec.getUserProperties().put("query", request.getQueryString());
            sec.getUserProperties().put("uri", request.getRequestURI().toString());
            sec.getUserProperties().put("params", request.getParameterMap());
            sec.getUserProperties().put("session", request.getHttpSession());
            response.getHeaders().put("X-Handshake", List.of("seen"));
        }
    }

    /** Answers with an extension nobody offered, which the container must not put in the response. */
    public static final class Pushy extends ServerEndpointConfig.Configurator {
        @Override
        public List<jakarta.websocket.Extension> getNegotiatedExtensions(
                List<jakarta.websocket.Extension> installed, List<jakarta.websocket.Extension> requested) {
            return installed;
        }
    }

    public static final class FailingInstance extends ServerEndpointConfig.Configurator {
        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
            throw new InstantiationException("no instances today");
        }
    }

    private static JakartaServerContainer container() throws DeploymentException {
        InstalledExtensions extensions = new InstalledExtensions();
        extensions.install(PerMessageDeflate.defaults());
        extensions.install(InstalledExtensions.noOp("ext1"));
        JakartaServerContainer container = new JakartaServerContainer(extensions, () -> {
            throw new AssertionError("no client in these tests");
        });
        container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/echo")
                .configurator(new Recording()).build());
        container.addEndpoint(Chat.class);
        container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/pushy")
                .configurator(new Pushy()).build());
        container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/broken")
                .configurator(new FailingInstance()).build());
        return container;
    }

    private static List<HttpHeader> handshake(String... extra) {
        List<HttpHeader> headers = new ArrayList<>(List.of(
                new HttpHeader("Host", "server.example.com"),
                new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "keep-alive, Upgrade"),
                new HttpHeader("Sec-WebSocket-Key", KEY),
                new HttpHeader("Sec-WebSocket-Version", "13"),
                new HttpHeader("User-Agent", "test")));
        for (int i = 0; i < extra.length; i += 2) {
            final String name = extra[i];
            headers.removeIf(h -> h.hasName(name));
            if (extra[i + 1] != null) {
                headers.add(new HttpHeader(name, extra[i + 1]));
            }
        }
        return headers;
    }

    private static UpgradeRequest request(String uri, List<HttpHeader> headers) {
        return UpgradeRequest.get(URI.create(uri)).headers(headers).build();
    }

    @Test
    void aValidRequestIsAcceptedWithThe101Headers() throws DeploymentException {
        JakartaServerContainer container = container();
        UpgradeResult result = container.upgrade(request("/echo", handshake()));
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, result);
        assertEquals(List.of(ACCEPT), HttpHeader.values(accepted.responseHeaders(), "Sec-WebSocket-Accept"));
        assertEquals(List.of("websocket"), HttpHeader.values(accepted.responseHeaders(), "Upgrade"));
        assertEquals("", accepted.subprotocol());
        assertEquals(List.of(), accepted.extensions());
        assertInstanceOf(Echo.class, accepted.endpoint());
        accepted.abandon();
    }

    @Test
    void theClientsFirstSupportedSubprotocolIsChosenAndPathParametersAreReported() throws DeploymentException {
        UpgradeResult result = container().upgrade(request("/chat/lobby%201",
                handshake("Sec-WebSocket-Protocol", "xml, json", "Sec-WebSocket-Protocol", "json, chat")));
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, result);
        assertEquals(List.of("json"), HttpHeader.values(accepted.responseHeaders(), "Sec-WebSocket-Protocol"));
        assertEquals("json", accepted.subprotocol());
        assertEquals(Map.of("room", "lobby 1"), accepted.pathParameters());
        AnnotatedEndpoint endpoint = assertInstanceOf(AnnotatedEndpoint.class, accepted.endpoint());
        assertInstanceOf(Chat.class, endpoint.instance());
        accepted.abandon();
    }

    @Test
    void noSharedSubprotocolMeansNoProtocolHeader() throws DeploymentException {
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, container().upgrade(
                request("/chat/a", handshake("Sec-WebSocket-Protocol", "xml"))));
        assertEquals(List.of(), HttpHeader.values(accepted.responseHeaders(), "Sec-WebSocket-Protocol"));
        accepted.abandon();
    }

    @Test
    void requestedInstalledExtensionsAreNegotiatedByTheirFactories() throws DeploymentException {
        UpgradeResult result = container().upgrade(request("/echo", handshake("Sec-WebSocket-Extensions",
                "x-unknown, permessage-deflate; client_max_window_bits, ext1")));
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, result);
        List<String> names = accepted.extensions().stream().map(jakarta.websocket.Extension::getName).toList();
        assertEquals(List.of("permessage-deflate", "ext1"), names);
        String header = String.join(",", HttpHeader.values(accepted.responseHeaders(), "Sec-WebSocket-Extensions"));
        assertTrue(header.contains("permessage-deflate") && header.contains("ext1") && !header.contains("x-unknown"),
                header);
        accepted.abandon();
    }

    @Test
    void extensionsTheClientDidNotOfferAreNeverAccepted() throws DeploymentException {
        UpgradeResult result = container().upgrade(request("/pushy", handshake("Sec-WebSocket-Extensions", "ext1")));
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, result);
        assertEquals(List.of("ext1"), accepted.extensions().stream().map(jakarta.websocket.Extension::getName).toList());
        accepted.abandon();
    }

    /** Records what getNegotiatedExtensions was given, as the TCK's configurator does. */
    public static final class RecordingExtensions extends ServerEndpointConfig.Configurator {
        final List<List<String>> calls = new ArrayList<>();

        @Override
        public List<jakarta.websocket.Extension> getNegotiatedExtensions(List<jakarta.websocket.Extension> installed,
                                                                         List<jakarta.websocket.Extension> requested) {
            List<jakarta.websocket.Extension> result = super.getNegotiatedExtensions(installed, requested);
            calls.add(installed.stream().map(dev.ferry.jakarta.ExtensionHeader::format).toList());
            calls.add(result.stream().map(dev.ferry.jakarta.ExtensionHeader::format).toList());
            return result;
        }
    }

    @Test
    void extensionsTheEndpointConfiguresComeFirstAndAreNegotiatedEvenWithoutAnInstalledFactory()
            throws DeploymentException {
        JakartaServerContainer container = container();
        RecordingExtensions configurator = new RecordingExtensions();
        container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/configured")
                .extensions(dev.ferry.jakarta.ExtensionHeader.parse("firstExtName; a=1, secondExtName"))
                .configurator(configurator).build());
        UpgradeResult result = container.upgrade(request("/configured", handshake("Sec-WebSocket-Extensions",
                "secondExtName, unknownExt, firstExtName; a=1, ext1")));
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, result);
        List<String> installed = configurator.calls.get(0);
        assertEquals(List.of("firstExtName; a=1", "secondExtName"), installed.subList(0, 2));
        assertTrue(installed.contains("ext1"), installed.toString());
        assertEquals(List.of("secondExtName", "firstExtName; a=1", "ext1"), configurator.calls.get(1));
        assertEquals(List.of("secondExtName", "firstExtName", "ext1"),
                accepted.extensions().stream().map(jakarta.websocket.Extension::getName).toList());
        accepted.abandon();
    }

    @Test
    void anotherVersionIsRejectedWith426AndOurVersion() throws DeploymentException {
        UpgradeResult.Rejected rejected = assertInstanceOf(UpgradeResult.Rejected.class,
                container().upgrade(request("/echo", handshake("Sec-WebSocket-Version", "8"))));
        assertEquals(426, rejected.status());
        assertEquals(List.of("13"), HttpHeader.values(rejected.headers(), "Sec-WebSocket-Version"));
        UpgradeResult.Rejected missing = assertInstanceOf(UpgradeResult.Rejected.class,
                container().upgrade(request("/echo", handshake("Sec-WebSocket-Version", null))));
        assertEquals(426, missing.status());
    }

    @Test
    void aMalformedHandshakeIsRejectedWith400() throws DeploymentException {
        for (List<HttpHeader> headers : List.of(handshake("Sec-WebSocket-Key", null),
                handshake("Sec-WebSocket-Key", "dG9vIHNob3J0"), handshake("Host", null))) {
            UpgradeResult result = container().upgrade(request("/echo", headers));
            UpgradeResult.Rejected rejected = assertInstanceOf(UpgradeResult.Rejected.class, result,
                    () -> headers.toString());
            assertEquals(400, rejected.status(), rejected.body());
            assertFalse(rejected.body().isEmpty());
        }
    }

    @Test
    void aRefusedOriginIsRejectedWith403() throws DeploymentException {
        UpgradeResult result = container().upgrade(request("/echo", handshake("Origin", "http://evil.example")));
        assertEquals(403, assertInstanceOf(UpgradeResult.Rejected.class, result).status());
        UpgradeResult fine = container().upgrade(request("/echo", handshake("Origin", "http://good.example")));
        assertInstanceOf(UpgradeResult.Accepted.class, fine).abandon();
    }

    @Test
    void requestsThatAreNotUpgradesOrHaveNoEndpointAreNotApplicable() throws DeploymentException {
        JakartaServerContainer container = container();
        assertInstanceOf(UpgradeResult.NotApplicable.class, container.upgrade(request("/nothing", handshake())));
        assertInstanceOf(UpgradeResult.NotApplicable.class, container.upgrade(request("/chat", handshake())));
        assertInstanceOf(UpgradeResult.NotApplicable.class,
                container.upgrade(request("/echo", handshake("Upgrade", null))));
        assertInstanceOf(UpgradeResult.NotApplicable.class, container.upgrade(UpgradeRequest
                .get(URI.create("/echo")).method("POST").headers(handshake()).build()));
    }

    @Test
    void aRequestForWebSocketWithoutConnectionUpgradeIs400() throws DeploymentException {
        UpgradeResult result = container().upgrade(request("/echo", handshake("Connection", "keep-alive")));
        UpgradeResult.Rejected rejected = assertInstanceOf(UpgradeResult.Rejected.class, result);
        assertEquals(400, rejected.status());
        assertTrue(rejected.body().contains("RFC 6455 §4.2.1"), rejected.body());
    }

    @Test
    void anExplicitUpgradeOfANonUpgradeRequestIs400() throws DeploymentException {
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Echo.class, "/adhoc").build();
        UpgradeResult result = container().upgrade(request("/adhoc", handshake("Upgrade", null)), config, Map.of());
        assertEquals(400, assertInstanceOf(UpgradeResult.Rejected.class, result).status());
        UpgradeResult fine = container().upgrade(request("/adhoc", handshake()), config, Map.of("a", "b"));
        assertEquals(Map.of("a", "b"), assertInstanceOf(UpgradeResult.Accepted.class, fine).pathParameters());
    }

    @Test
    void modifyHandshakeSeesTheRealRequestAndChangesThisConnectionOnly() throws DeploymentException {
        JakartaServerContainer container = container();
        Principal alice = () -> "alice";
        Object httpSession = new Object();
        UpgradeRequest request = UpgradeRequest.get(URI.create("/app/echo?x=1&y=2")).endpointPath("/echo")
                .headers(handshake()).parameters(Map.of("x", List.of("1"), "y", List.of("2")))
                .userPrincipal(alice).userInRole("admin"::equals).httpSession(httpSession).build();
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class, container.upgrade(request));
        Map<String, Object> properties = accepted.config().getUserProperties();
        assertEquals("test", properties.get("user-agent"));
        assertEquals("alice", properties.get("principal"));
        assertEquals(true, properties.get("admin"));
        assertEquals("x=1&y=2", properties.get("query"));
        assertEquals("ws://server.example.com/app/echo?x=1&y=2", properties.get("uri"));
        assertEquals(Map.of("x", List.of("1"), "y", List.of("2")), properties.get("params"));
        assertSame(httpSession, properties.get("session"));
        assertEquals(List.of("seen"), HttpHeader.values(accepted.responseHeaders(), "x-handshake"));
        assertEquals(List.of(ACCEPT), HttpHeader.values(accepted.responseHeaders(), "Sec-WebSocket-Accept"));
        ServerEndpointConfig deployed = container.match("/echo").entry().config();
        assertNull(deployed.getUserProperties().get("user-agent"));
        accepted.abandon();
    }

    @Test
    void theRequestUriIsCompleteFromSchemeToQuery() {
        List<HttpHeader> host = List.of(new HttpHeader("Host", "h.example:8080"));
        assertEquals("ws://h.example:8080/app/chat%20room?a=1&b=%20",
                UpgradeRequest.get(URI.create("/app/chat%20room?a=1&b=%20")).headers(host).build()
                        .completeRequestUri().toString());
        assertEquals("wss://h.example:8080/",
                UpgradeRequest.get(URI.create("")).headers(host).secure(true).build().completeRequestUri().toString());
        assertEquals("wss://[::1]:8443/x?q", UpgradeRequest.get(URI.create("https://[::1]:8443/x?q")).build()
                .completeRequestUri().toString(), "an absolute URI keeps its authority, with a WebSocket scheme");
        assertEquals("ws://[::1]/x", UpgradeRequest.get(URI.create("/x"))
                .headers(List.of(new HttpHeader("Host", "[::1]"))).build().completeRequestUri().toString());
        for (List<HttpHeader> unusable : List.of(List.<HttpHeader>of(), List.of(new HttpHeader("Host", "a b")),
                List.of(new HttpHeader("Host", "a"), new HttpHeader("Host", "b")))) {
            assertEquals("/x?q", UpgradeRequest.get(URI.create("/x?q")).headers(unusable).build()
                    .completeRequestUri().toString(), unusable.toString());
        }
    }

    @Test
    void aReusedCompleteRequestUriIsOnlyEverOneMadeOfTheSameParts() {
        List<HttpHeader> host = List.of(new HttpHeader("Host", "h.example"));
        List<HttpHeader> otherHost = List.of(new HttpHeader("Host", "h.example:81"));
        String[][] cases = {{"/x?q", "false"}, {"/x?q", "false"}, {"/x", "false"}, {"/x?", "false"},
            {"/x?q", "true"}, {"/x?r", "true"}, {"/y?r", "true"}};
        for (int round = 0; round < 2; round++) {
            for (String[] c : cases) {
                boolean secure = Boolean.parseBoolean(c[1]);
                String expected = (secure ? "wss" : "ws") + "://h.example" + c[0];
                assertEquals(expected, UpgradeRequest.get(URI.create(c[0])).headers(host).secure(secure).build()
                        .completeRequestUri().toString());
                assertEquals(expected.replace("h.example", "h.example:81"), UpgradeRequest.get(URI.create(c[0]))
                        .headers(otherHost).secure(secure).build().completeRequestUri().toString());
            }
        }
    }

    @Test
    void theSessionSeesTheCompleteRequestUri() throws DeploymentException {
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class,
                container().upgrade(request("/chat/a?x=1", handshake())));
        assertEquals(URI.create("ws://server.example.com/chat/a?x=1"), accepted.request().requestUri());
        accepted.abandon();
    }

    @Test
    void theParameterMapHoldsTheQueryAndThePathParameters() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/params/{first}/{second}")
                .configurator(new Recording()).build());
        for (Map<String, List<String>> fromOuterLayer : List.of(Map.<String, List<String>>of(),
                Map.of("second", List.of("q"), "x", List.of("1")))) {
            UpgradeRequest request = UpgradeRequest.get(URI.create("/params/123/123.456?second=q&x=1"))
                    .headers(handshake()).parameters(fromOuterLayer).build();
            UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class,
                    container.upgrade(request));
            Map<String, List<String>> expected = Map.of("first", List.of("123"), "second", List.of("123.456", "q"),
                    "x", List.of("1"));
            assertEquals(expected, accepted.config().getUserProperties().get("params"), "HandshakeRequest");
            assertEquals(expected, accepted.request().parameters(), "what the session reports");
            accepted.abandon();
        }
    }

    @Test
    void endpointsAddedAfterConnectionsWereAcceptedAreServedToo() throws DeploymentException {
        JakartaServerContainer container = container();
        assertInstanceOf(UpgradeResult.Accepted.class, container.upgrade(request("/echo", handshake()))).abandon();
        assertInstanceOf(UpgradeResult.NotApplicable.class, container.upgrade(request("/late", handshake())));
        container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/late").build());
        assertInstanceOf(UpgradeResult.Accepted.class, container.upgrade(request("/late", handshake()))).abandon();
    }

    @Test
    void onceServingAFailingAddEndpointRejectsOnlyItself() throws DeploymentException {
        JakartaServerContainer container = container();
        assertInstanceOf(UpgradeResult.Accepted.class, container.upgrade(request("/echo", handshake()))).abandon();
        org.junit.jupiter.api.Assertions.assertThrows(DeploymentException.class, () -> container.addEndpoint(
                ServerEndpointConfig.Builder.create(Echo.class, "/echo").build()));
        assertInstanceOf(UpgradeResult.Accepted.class, container.upgrade(request("/echo", handshake()))).abandon();
        container.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/still-open").build());
        assertInstanceOf(UpgradeResult.Accepted.class, container.upgrade(request("/still-open", handshake())))
                .abandon();
    }

    @Test
    void upgradeHttpToWebSocketGoesThroughTheInstalledBridge() throws Exception {
        JakartaServerContainer container = container();
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Echo.class, "/x").build();
        IllegalStateException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> container.upgradeHttpToWebSocket("request", "response", config, Map.of()));
        assertTrue(none.getMessage().contains("UpgradeBridge"), none.getMessage());
        List<Object> calls = new ArrayList<>();
        container.setUpgradeBridge((target, request, response, sec, pathParameters) ->
                calls.addAll(List.of(target, request, response, sec, pathParameters)));
        container.upgradeHttpToWebSocket("request", "response", config, Map.of("k", "v"));
        assertEquals(List.of(container, "request", "response", config, Map.of("k", "v")), calls);
    }

    @ServerEndpoint(value = "/configured", configurator = Recording.class)
    public static final class WithConfigurator {
        @OnMessage
        public void text(String text) {
        }
    }

    @Test
    void anAnnotatedEndpointHasOneConfiguratorAndEachConnectionItsOwnProperties() throws DeploymentException {
        JakartaServerContainer container = container();
        container.addEndpoint(WithConfigurator.class);
        UpgradeResult.Accepted first = assertInstanceOf(UpgradeResult.Accepted.class,
                container.upgrade(request("/configured", handshake())));
        UpgradeResult.Accepted second = assertInstanceOf(UpgradeResult.Accepted.class,
                container.upgrade(request("/configured", handshake())));
        assertInstanceOf(Recording.class, first.config().getConfigurator());
        assertSame(first.config().getConfigurator(), second.config().getConfigurator(),
                "one configurator instance per endpoint, made at deployment (TCK countConfigurationInstancesTest)");
        first.config().getUserProperties().put("only", "first");
        assertNull(second.config().getUserProperties().get("only"));
        first.abandon();
        second.abandon();
    }

    @Test
    void anEndpointThatCannotBeCreatedIsA500() throws DeploymentException {
        UpgradeResult result = container().upgrade(request("/broken", handshake()));
        UpgradeResult.Rejected rejected = assertInstanceOf(UpgradeResult.Rejected.class, result);
        assertEquals(500, rejected.status());
        assertTrue(rejected.body().contains("no instances today"), rejected.body());
    }

    @Test
    void handshakeResponseHeadersThatWouldSplitTheResponseAreLeftOut() {
        JakartaHandshakeResponse response = new JakartaHandshakeResponse(List.of(new HttpHeader("Upgrade", "websocket")));
        response.getHeaders().put("X-Bad", List.of("a\r\nSet-Cookie: stolen", "fine"));
        response.getHeaders().put("X-Evil\nName", List.of("v"));
        response.getHeaders().get("upgrade").add("second");
        assertEquals(List.of(new HttpHeader("Upgrade", "websocket"), new HttpHeader("Upgrade", "second"),
                new HttpHeader("X-Bad", "fine")), response.toHeaders());
    }

    @Test
    void handshakeResponseHeadersNobodyEditedAreTheFormulatedOnesInTheirOrder() {
        List<HttpHeader> formulated = List.of(new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"), new HttpHeader("Sec-WebSocket-Accept", "x"));
        assertEquals(formulated, new JakartaHandshakeResponse(formulated).toHeaders());
        JakartaHandshakeResponse looked = new JakartaHandshakeResponse(formulated);
        assertEquals(List.of("websocket"), looked.getHeaders().get("UPGRADE"));
        looked.getHeaders().remove("connection");
        assertEquals(List.of(new HttpHeader("Sec-WebSocket-Accept", "x"), new HttpHeader("Upgrade", "websocket")),
                looked.toHeaders(), "once the map exists, its (edited) content in name order");
    }

    @Test
    void handshakeRequestHeadersAreCaseInsensitiveAndKeepEveryValue() {
        JakartaHandshakeRequest request = new JakartaHandshakeRequest(request("/echo?q", List.of(
                new HttpHeader("X-A", "1"), new HttpHeader("x-a", "2"), new HttpHeader("Host", "h"))));
        assertEquals(List.of("1", "2"), request.getHeaders().get("X-a"));
        assertEquals("q", request.getQueryString());
    }
}
