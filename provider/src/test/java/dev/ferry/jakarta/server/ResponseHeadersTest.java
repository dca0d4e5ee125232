package dev.ferry.jakarta.server;

import dev.ferry.protocol.HttpHeader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link ResponseHeaders}: settling edited names in any case, and the loop that replaced two regular expressions. */
class ResponseHeadersTest {

    @Test
    void headerNamesAreRecognizedInAnyCase() {
        List<HttpHeader> formulated = List.of(new HttpHeader("UPGRADE", "websocket"),
                new HttpHeader("connection", "Upgrade"), new HttpHeader("Sec-WebSocket-ACCEPT", "abc="),
                new HttpHeader("X-Formulated", "dropped: the handle's own headers only"));
        List<HttpHeader> edited = List.of(new HttpHeader("upgrade", "websocket"),
                new HttpHeader("CONNECTION", "Upgrade"), new HttpHeader("sec-websocket-accept", "changed="),
                new HttpHeader("content-LENGTH", "0"), new HttpHeader("Transfer-Encoding", "chunked"),
                new HttpHeader("TRANSFER-ENCODING", "gzip"), new HttpHeader("SEC-WEBSOCKET-PROTOCOL", "chat"),
                new HttpHeader("X-Custom", "kept"));

        ResponseHeaders.Settled settled = ResponseHeaders.settle(formulated, edited, List.of("chat"));

        assertEquals(List.of(formulated.get(0), formulated.get(1), formulated.get(2),
                new HttpHeader("Sec-WebSocket-Protocol", "chat"), new HttpHeader("X-Custom", "kept")),
                settled.headers());
        assertEquals("chat", settled.subprotocol());
        assertEquals(List.of("sec-websocket-accept", "content-length", "transfer-encoding"), settled.overruled(),
                "lower case, each once");
    }

    /** The default configurator's case: nothing to settle, so the handle's list is the answer, not a copy of it. */
    @Test
    void anUntouchedResponseOfTheHandlesOwnHeadersIsKeptAsItIs() {
        List<HttpHeader> formulated = List.of(new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"), new HttpHeader("Sec-WebSocket-Accept", "abc="));

        ResponseHeaders.Settled settled = ResponseHeaders.settle(formulated, List.copyOf(formulated), List.of());

        assertSame(formulated, settled.headers());
        assertEquals("", settled.subprotocol());
        assertEquals(List.of(), settled.overruled());
    }

    /** An untouched response that selects a subprotocol still reports it (the rules run in full). */
    @Test
    void anUntouchedResponseWithASubprotocolReportsIt() {
        List<HttpHeader> formulated = List.of(new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"), new HttpHeader("Sec-WebSocket-Accept", "abc="),
                new HttpHeader("Sec-WebSocket-Protocol", "chat"));

        ResponseHeaders.Settled settled = ResponseHeaders.settle(formulated, formulated, List.of("chat"));

        assertEquals(formulated, settled.headers());
        assertEquals("chat", settled.subprotocol());
        assertEquals(List.of(), settled.overruled());
    }

    @Test
    void dropsWhiteSpaceBesideSemicolonsAndEqualsSignsOnly() {
        assertEquals("permessage-deflate;client_max_window_bits=10;server_no_context_takeover",
                ResponseHeaders.withoutSpaceAroundSeparators(
                        "permessage-deflate ;\tclient_max_window_bits = 10 ;  server_no_context_takeover"));
        assertEquals("a b;c d", ResponseHeaders.withoutSpaceAroundSeparators("a b ; c d"));
        assertEquals("x=;=y", ResponseHeaders.withoutSpaceAroundSeparators("x = ; = y"));
    }

    @Test
    void anElementWithNothingToDropIsReturnedAsIs() {
        String element = "permessage-deflate; client_max_window_bits";
        String compact = "permessage-deflate;client_max_window_bits";
        assertEquals(compact, ResponseHeaders.withoutSpaceAroundSeparators(element));
        assertSame(compact, ResponseHeaders.withoutSpaceAroundSeparators(compact));
    }

    /** The same result as the regular expressions it replaced, on seeded random strings of the characters that matter. */
    @Test
    void agreesWithTheRegularExpressionsOnRandomElements() {
        String alphabet = "ab;= \t\r\n\u000B\f,x";
        Random random = new Random(6455);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder element = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                element.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String input = element.toString();
            String expected = input.replaceAll("\\s*;\\s*", ";").replaceAll("\\s*=\\s*", "=");
            assertEquals(expected, ResponseHeaders.withoutSpaceAroundSeparators(input), "'" + input + "'");
        }
    }
}
