package dev.ferry.jakarta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.protocol.ClientHandshakeResult;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.protocol.extension.PerMessageDeflate;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A configurator's {@code modifyHandshake} edits response headers (as the TCK's handshake tests do: copying every
 * request header into the response, among others); the response must still be one Ferry's client accepts, and
 * describe the extensions and subprotocol both handles run. Each case: a real client handle's request, the server
 * container's upgrade, the client handle's validation of the 101 headers.
 */
class ConfiguratorHeaderEditsTest {

    public static final class Quiet extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
        }
    }

    /** Runs the edit the test case gives it. */
    static final class Editing extends ServerEndpointConfig.Configurator {
        private final BiConsumer<HandshakeRequest, Map<String, List<String>>> edit;

        Editing(BiConsumer<HandshakeRequest, Map<String, List<String>>> edit) {
            this.edit = edit;
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            edit.accept(request, response.getHeaders());
        }
    }

    static Stream<Arguments> edits() {
        return Stream.of(
                Arguments.of("copies every request header (TCK SetHeadersConfigurator)",
                        edit((request, response) -> {
                            response.putAll(request.getHeaders());
                            response.put("aFirstKey", List.of("header1", "header2"));
                        }), "chat"),
                Arguments.of("puts the offer under a lower-case name",
                        edit((request, response) -> response.put("sec-websocket-extensions",
                                request.getHeaders().get("Sec-WebSocket-Extensions"))), "chat"),
                Arguments.of("duplicates the value",
                        edit((request, response) -> {
                            List<String> values = response.get("Sec-WebSocket-Extensions");
                            values.add(values.get(0));
                        }), "chat"),
                Arguments.of("splits the value into two",
                        edit((request, response) -> response.put("Sec-WebSocket-Extensions",
                                new ArrayList<>(List.of("permessage-deflate", "client_max_window_bits")))), "chat"),
                Arguments.of("removes the extensions and every handshake header",
                        edit((request, response) -> {
                            response.remove("Sec-WebSocket-Extensions");
                            response.remove("Sec-WebSocket-Accept");
                            response.remove("Upgrade");
                            response.remove("Connection");
                        }), "chat"),
                Arguments.of("adds a body length and a transfer coding",
                        edit((request, response) -> {
                            response.put("Content-Length", List.of("0"));
                            response.put("transfer-encoding", List.of("chunked"));
                        }), "chat"),
                Arguments.of("picks another requested subprotocol",
                        edit((request, response) -> response.put("Sec-WebSocket-Protocol", List.of("json"))), "json"),
                Arguments.of("removes the subprotocol",
                        edit((request, response) -> response.remove("sec-websocket-protocol")), ""),
                Arguments.of("picks a subprotocol the client did not request",
                        edit((request, response) -> response.put("Sec-WebSocket-Protocol", List.of("xml"))), "chat"));
    }

    private static BiConsumer<HandshakeRequest, Map<String, List<String>>> edit(
            BiConsumer<HandshakeRequest, Map<String, List<String>>> edit) {
        return edit;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void theResponseStillMatchesWhatBothSidesRun(String name,
                                                 BiConsumer<HandshakeRequest, Map<String, List<String>>> edit,
                                                 String subprotocol) throws DeploymentException {
        InstalledExtensions installed = new InstalledExtensions();
        installed.install(PerMessageDeflate.defaults());
        JakartaServerContainer container = new JakartaServerContainer(installed, () -> {
            throw new AssertionError("no client in this test");
        });
        container.addEndpoint(ServerEndpointConfig.Builder.create(Quiet.class, "/edit")
                .subprotocols(List.of("json", "chat")).configurator(new Editing(edit)).build());

        WebSocketHandle client = WebSocketHandle.createClient(HandleProperties.builder()
                .extensions(List.of(PerMessageDeflate.defaults())).build());
        List<HttpHeader> request = new ArrayList<>(client.beginClientHandshake(List.of("chat", "json"),
                List.of("permessage-deflate"), List.of()));
        request.add(new HttpHeader("Host", "example.com"));
        request.add(new HttpHeader("Cookie", "a=b"));
        UpgradeResult.Accepted accepted = assertInstanceOf(UpgradeResult.Accepted.class,
                container.upgrade(UpgradeRequest.get(URI.create("/edit")).headers(request).build()));
        try {
            List<HttpHeader> response = accepted.responseHeaders();
            ClientHandshakeResult result = client.endClientHandshake(response);

            assertEquals(List.of("permessage-deflate"), result.negotiatedExtensions());
            assertEquals(List.of("permessage-deflate"),
                    accepted.extensions().stream().map(Extension::getName).toList());
            assertEquals(subprotocol, accepted.subprotocol());
            assertEquals(subprotocol.isEmpty() ? -1 : List.of("chat", "json").indexOf(subprotocol),
                    result.selectedSubprotocol().orElse(-1));
            assertEquals(List.of(), HttpHeader.values(response, "Content-Length"));
            assertEquals(List.of(), HttpHeader.values(response, "Transfer-Encoding"));
        } finally {
            accepted.abandon();
            client.close();
        }
    }

    @Test
    void otherHeadersAreSentAsEditedAndAnUneditedResponseIsNotOverruled() {
        List<HttpHeader> formulated = List.of(new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"), new HttpHeader("Sec-WebSocket-Accept", "abc="),
                new HttpHeader("Sec-WebSocket-Protocol", "chat"));
        JakartaHandshakeResponse response = new JakartaHandshakeResponse(formulated);
        response.getHeaders().put("X-Kept", new ArrayList<>(List.of("1", "2")));
        ResponseHeaders.Settled settled = ResponseHeaders.settle(formulated, response.toHeaders(),
                List.of("chat", "json"));
        assertEquals(List.of("1", "2"), HttpHeader.values(settled.headers(), "x-kept"));
        assertTrue(settled.overruled().isEmpty(), settled.overruled().toString());
    }
}
