package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.JdkClient;
import dev.ferry.servlet.fixture.RawClient;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.security.Principal;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The upgrade path on every container: discovery and the ServerApplicationConfig rules, the status of each kind of
 * failed handshake, pass-through, what reaches the HandshakeRequest and the Session, {@code upgradeHttpToWebSocket},
 * endpoints added by a listener, and a deployment error failing the application.
 */
class UpgradeIT {

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void anAnnotatedEndpointAnswersAndPlainRequestsPassThrough(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Echo.class).with(servlet("/plain", "plain answer")));
            try (JdkClient client = JdkClient.connect(container.uri("ws", "/echo"))) {
                client.sendText("héllo ✓", true);
                assertEquals("héllo ✓", client.next());
                assertEquals(1000, client.close(1000, "bye"));
            }
            try (RawClient raw = RawClient.connect(container.port())) {
                raw.write("GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertEquals(200, raw.readResponse().status());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void aClientSendingNoContentLengthTalksToo(ServletContainerFixture.Kind kind) throws Exception {
        // Browsers send no Content-Length with the upgrade request (the JDK's client sends 0).
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Echo.class));
            try (RawClient raw = RawClient.connect(container.port())) {
                raw.write(RawClient.upgradeRequest("/echo"));
                RawClient.Response response = raw.readResponse();
                assertEquals(101, response.status());
                // RFC 6455 §4.2.2: whoever sets them (the handshake, or a container that does it for upgrade()).
                assertEquals("websocket", response.header("Upgrade").toLowerCase(java.util.Locale.ROOT));
                assertEquals("upgrade", response.header("Connection").toLowerCase(java.util.Locale.ROOT));
                raw.write(RawClient.frame(0x1, true, "grüß dich".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                RawClient.Frame echo = raw.readFrame();
                assertEquals(0x1, echo.opcode());
                assertEquals("grüß dich", echo.text());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void onJettyABodylessUpgradeRequestCarriesTheConnectionAsItsInputAndOutput(ServletContainerFixture.Kind kind)
            throws Exception {
        // UpgradedInputFix hands Jetty's connection over as a ConnectionInput and a ConnectionOutput for an upgrade
        // request without a body, which the upgrade then reads and writes instead of the servlet streams. The JDK's
        // client sends Content-Length: 0, and Tomcat has no such adapter. A servlet at a path with no endpoint
        // answers 200 when the request carries both, 204 when it carries neither, 500 for one without the other.
        ServletContainerInitializer probe = (classes, context) -> context.addServlet("probe", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                boolean input = request.getAttribute(ConnectionInput.ATTRIBUTE) instanceof ConnectionInput;
                boolean output = request.getAttribute(ConnectionOutput.ATTRIBUTE) instanceof ConnectionOutput;
                response.setStatus(input && output ? 200 : !input && !output ? 204 : 500);
            }
        }).addMapping("/probe");
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Echo.class).with(probe));
            assertEquals(kind == ServletContainerFixture.Kind.JETTY ? 200 : 204, probe(container));
            assertEquals(204, probe(container, "Content-Length: 0"));
            try (RawClient raw = RawClient.connect(container.port())) {
                raw.write(RawClient.upgradeRequest("/echo"));
                assertEquals(101, raw.readResponse().status());
                raw.write(RawClient.frame(0x1, true, "read".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                assertEquals("read", raw.readFrame().text());
                String large = "0123456789abcdef".repeat(3_750); // 60,000 bytes, many socket writes' worth
                raw.write(RawClient.frame(0x1, true, large.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                assertEquals(large, raw.readFrame().text());
            }
        }
    }

    private static int probe(ServletContainerFixture container, String... headers) throws IOException {
        try (RawClient raw = RawClient.connect(container.port())) {
            raw.write(RawClient.upgradeRequest("/probe", headers));
            return raw.readResponse().status();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void failedHandshakesGetTheirStatus(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Echo.class, TestEndpoints.OriginChecked.class));
            assertEquals(400, status(container, RawClient.upgradeRequest("/echo", "Sec-WebSocket-Key: short")),
                    "a key that is not 16 bytes in base64 (RFC 6455 §4.2.1 item 5)");
            RawClient.Response version = response(container,
                    RawClient.upgradeRequest("/echo", "Sec-WebSocket-Version: 8"));
            assertEquals(426, version.status(), "another version (RFC 6455 §4.4)");
            assertEquals("13", version.header("Sec-WebSocket-Version"));
            assertEquals(403, status(container,
                    RawClient.upgradeRequest("/origin", "Origin: http://evil.example")), "checkOrigin refused");
            assertEquals(101, status(container,
                    RawClient.upgradeRequest("/origin", "Origin: http://allowed.example")), "checkOrigin accepted");
            assertEquals(404, status(container, RawClient.upgradeRequest("/nothing-here")),
                    "no endpoint: passed on to the container, which has nothing there");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void theHandshakeRequestAndSessionSeePrincipalParametersAndHttpSession(ServletContainerFixture.Kind kind)
            throws Exception {
        ServletContainerInitializer authenticates = (classes, context) -> {
            Filter filter = (request, response, chain) -> {
                HttpServletRequest http = (HttpServletRequest) request;
                http.getSession(true).setAttribute("marker", "m-42");
                chain.doFilter(new HttpServletRequestWrapper(http) {
                    @Override
                    public Principal getUserPrincipal() {
                        return () -> "ann";
                    }

                    @Override
                    public boolean isUserInRole(String role) {
                        return "crew".equals(role);
                    }
                }, response);
            };
            context.addFilter("authenticates", filter).addMappingForUrlPatterns(
                    EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), false, "/*");
        };
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.HandshakeFacts.class).with(authenticates));
            URI uri = container.uri("ws", "/facts/deck?x=1&y=a%20b&x=2");
            try (JdkClient client = JdkClient.connect(uri)) {
                assertEquals("principal=ann handshakePrincipal=ann inRole=true"
                        + " parameters={x=[1, 2], y=[a b], room=[deck]} query=x=1&y=a%20b&x=2 path={room=deck}"
                        + " uri=" + uri + " httpSession=m-42", client.next(), "the complete request URI the client used");
            }
        }
    }

    /** Without a query the container is not asked for parameters; the session still has its path parameters. */
    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void withoutAQueryTheParametersAreThePathParametersOnly(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.HandshakeFacts.class));
            URI uri = container.uri("ws", "/facts/deck");
            try (JdkClient client = JdkClient.connect(uri)) {
                assertEquals("principal=none handshakePrincipal=none inRole=false"
                        + " parameters={room=[deck]} query=null path={room=deck}"
                        + " uri=" + uri + " httpSession=none", client.next());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void upgradeHttpToWebSocketFromAServletAndAddEndpointFromAListener(ServletContainerFixture.Kind kind)
            throws Exception {
        ServletContainerInitializer manual = (classes, context) -> {
            context.addServlet("manual", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    ServerContainer server = (ServerContainer) getServletContext()
                            .getAttribute(ServerContainer.class.getName());
                    try {
                        server.upgradeHttpToWebSocket(request, response, ServerEndpointConfig.Builder
                                .create(TestEndpoints.ProgrammaticEcho.class, "/manual/{id}").build(),
                                Map.of("id", "7"));
                    } catch (DeploymentException e) {
                        throw new IOException(e);
                    }
                }
            }).addMapping("/manual/*");
            context.addListener(new ServletContextListener() {
                @Override
                public void contextInitialized(ServletContextEvent event) {
                    ServerContainer server = (ServerContainer) event.getServletContext()
                            .getAttribute(ServerContainer.class.getName());
                    try {
                        server.addEndpoint(ServerEndpointConfig.Builder
                                .create(TestEndpoints.ProgrammaticEcho.class, "/added").build());
                    } catch (DeploymentException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        };
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of().with(manual));
            try (JdkClient client = JdkClient.connect(container.uri("ws", "/manual/7"))) {
                client.sendText("hi", true);
                assertEquals("programmatic {id=7}: hi", client.next());
            }
            try (JdkClient client = JdkClient.connect(container.uri("ws", "/added"))) {
                client.sendText("hi", true);
                assertEquals("programmatic {}: hi", client.next());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void aServerApplicationConfigSelectsWhatIsDeployed(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Echo.class, TestEndpoints.Other.class,
                    TestEndpoints.ProgrammaticEcho.class, TestEndpoints.SelectsEchoAndProgrammatic.class));
            assertEquals(101, status(container, RawClient.upgradeRequest("/echo")));
            assertEquals(101, status(container, RawClient.upgradeRequest("/programmatic")));
            assertEquals(404, status(container, RawClient.upgradeRequest("/other")), "not selected by the config");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void withoutAConfigProgrammaticEndpointsAreNotDeployed(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(TestEndpoints.Other.class, TestEndpoints.ProgrammaticEcho.class));
            assertEquals(404, status(container, RawClient.upgradeRequest("/programmatic")));
            // The annotated one is deployed. A whole session, closing handshake included, before the container
            // stops: a connection still opening when Tomcat stops leaves its connector thread in the application.
            try (RawClient raw = RawClient.connect(container.port())) {
                raw.write(RawClient.upgradeRequest("/other"));
                assertEquals(101, raw.readResponse().status());
                raw.write(RawClient.frame(0x1, true, "hi".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                assertEquals("other: hi", raw.readFrame().text());
                raw.write(RawClient.frame(0x8, true, new byte[] {0x03, (byte) 0xe8}));
                assertEquals(0x8, raw.readFrame().opcode());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainerFixture.Kind.class)
    void aDeploymentErrorFailsTheApplication(ServletContainerFixture.Kind kind) throws Exception {
        try (ServletContainerFixture container = kind.create()) {
            Exception e = assertThrows(Exception.class, () -> container.start(
                    WebApplication.of(TestEndpoints.Echo.class, TestEndpoints.Broken.class)));
            assertTrue(e.toString().contains("Broken") || String.valueOf(e.getCause()).contains("Broken"),
                    "expected the error to name the broken endpoint, got " + e);
        }
    }

    static int status(ServletContainerFixture container, String request) throws IOException {
        return response(container, request).status();
    }

    static RawClient.Response response(ServletContainerFixture container, String request) throws IOException {
        try (RawClient raw = RawClient.connect(container.port())) {
            raw.write(request);
            return raw.readResponse();
        }
    }

    static ServletContainerInitializer servlet(String path, String answer) {
        return (classes, context) -> context.addServlet("plain", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().print(answer);
            }
        }).addMapping(path);
    }
}
