package dev.ferry.jakarta.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.protocol.HttpHeader;
import jakarta.websocket.DeploymentException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Reading ws/wss URIs (RFC 6455 §3) and parsing the upgrade response's head. */
class TargetAndResponseTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "ws://example.com, false, example.com, 80, /, example.com",
            "wss://example.com/chat?x=1, true, example.com, 443, /chat?x=1, example.com",
            "ws://example.com:8080/a%20b, false, example.com, 8080, /a%20b, example.com:8080",
            "WSS://Example.com:443/, true, Example.com, 443, /, Example.com",
            "ws://[::1]:9000/, false, ::1, 9000, /, [::1]:9000",
            "ws://127.0.0.1:1/p, false, 127.0.0.1, 1, /p, 127.0.0.1:1"})
    void readsWebSocketUris(String uri, boolean secure, String host, int port, String requestTarget, String hostHeader)
            throws DeploymentException {
        Target target = Target.of(URI.create(uri));
        assertEquals(new Target(secure, host, port, requestTarget, hostHeader), target);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://example.com/", "ws:relative", "ws://example.com/#fragment", "/path"})
    void refusesOtherUris(String uri) {
        assertThrows(DeploymentException.class, () -> Target.of(URI.create(uri)));
    }

    @Test
    void ipLiteralsGetNoSni() throws DeploymentException {
        assertEquals(true, Target.of(URI.create("wss://10.0.0.1/")).isIpLiteral());
        assertEquals(true, Target.of(URI.create("wss://[::1]/")).isIpLiteral());
        assertEquals(false, Target.of(URI.create("wss://localhost/")).isIpLiteral());
    }

    @Test
    void parsesStatusLineAndHeaders() throws DeploymentException {
        UpgradeResponse response = UpgradeResponse.parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection:Upgrade\r\nX-Two: a\r\nX-Two: b", ByteBuffer.allocate(0), "t");
        assertEquals(101, response.status());
        assertEquals("Switching Protocols", response.reason());
        assertEquals(List.of(new HttpHeader("Upgrade", "websocket"), new HttpHeader("Connection", "Upgrade"),
                new HttpHeader("X-Two", "a"), new HttpHeader("X-Two", "b")), response.headers());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SSH-2.0-OpenSSH", "HTTP/1.1 1O1 Nope", "HTTP/1.1 101 OK\r\nno colon here",
            "HTTP/1.1 101 OK\r\n folded: value"})
    void refusesMalformedHeads(String head) {
        assertThrows(DeploymentException.class, () -> UpgradeResponse.parse(head, ByteBuffer.allocate(0), "t"));
    }
}
