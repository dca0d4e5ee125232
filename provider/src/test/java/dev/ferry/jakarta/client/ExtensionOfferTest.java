package dev.ferry.jakarta.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.jakarta.ExtensionHeader;
import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.protocol.HandleProperties;
import dev.ferry.protocol.HttpHeader;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.protocol.extension.PerMessageDeflate;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Extension;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's offer rule: an explicit configuration exactly, no configuration every installed extension. */
class ExtensionOfferTest {

    private static final PerMessageDeflate DEFLATE = PerMessageDeflate.defaults();

    private static InstalledExtensions installed() {
        InstalledExtensions installed = new InstalledExtensions();
        installed.install(DEFLATE);
        installed.install(InstalledExtensions.noOp("ext1"));
        return installed;
    }

    /** The Sec-WebSocket-Extensions value a client handle sends for {@code offer}, or null. */
    private static String requestHeader(ExtensionOffer offer) {
        WebSocketHandle handle = WebSocketHandle.createClient(
                HandleProperties.builder().extensions(offer.factories()).build());
        try {
            List<String> values = HttpHeader.values(handle.beginClientHandshake(List.of(), offer.elements(), List.of()),
                    "Sec-WebSocket-Extensions");
            return values.isEmpty() ? null : String.join(", ", values);
        } finally {
            handle.close();
        }
    }

    @Test
    void anEmptyOrNullListOffersNothing() throws DeploymentException {
        for (List<Extension> none : java.util.Arrays.asList(List.<Extension>of(), null)) {
            ExtensionOffer offer = ExtensionOffer.of(none, installed());
            assertEquals(List.of(), offer.elements());
            assertEquals(List.of(), offer.factories());
            assertEquals(null, requestHeader(offer));
        }
    }

    @Test
    void aBarePermessageDeflateIsOfferedWithTheInstalledSettings() throws DeploymentException {
        ExtensionOffer offer = ExtensionOffer.of(ExtensionHeader.parse("permessage-deflate"), installed());
        assertEquals(List.of(DEFLATE), offer.factories());
        assertEquals("permessage-deflate; client_max_window_bits", requestHeader(offer));
    }

    @Test
    void parametersAndOrderAreOfferedAsConfiguredAndUnknownNamesToo() throws DeploymentException {
        ExtensionOffer offer = ExtensionOffer.of(ExtensionHeader.parse(
                "x-unknown; a=\"b c\", permessage-deflate; client_no_context_takeover; server_max_window_bits=10, ext1"),
                installed());
        assertEquals(2, offer.factories().size(), "deflate and ext1 run; x-unknown is negotiated by name only");
        assertEquals("x-unknown; a=\"b c\", permessage-deflate; client_no_context_takeover; server_max_window_bits=10, ext1",
                requestHeader(offer));
    }

    @Test
    void theParametersOfferedBindTheClientWhenTheServerAnswers() throws DeploymentException {
        ExtensionOffer offer = ExtensionOffer.of(ExtensionHeader.parse(
                "permessage-deflate; server_no_context_takeover; server_max_window_bits=10"), installed());
        WebSocketHandle client = WebSocketHandle.createClient(
                HandleProperties.builder().extensions(offer.factories()).build());
        WebSocketHandle server = WebSocketHandle.createServer(HandleProperties.builder().extensions(List.of(DEFLATE))
                .build());
        List<HttpHeader> request = new java.util.ArrayList<>(client.beginClientHandshake(List.of(), offer.elements(),
                List.of()));
        request.add(new HttpHeader("Host", "example.com"));
        List<HttpHeader> response = server.beginServerHandshake(null, List.of("permessage-deflate"), request);
        assertEquals(List.of("permessage-deflate; server_no_context_takeover; server_max_window_bits=10"),
                HttpHeader.values(response, "Sec-WebSocket-Extensions"));
        assertEquals(List.of("permessage-deflate; server_no_context_takeover; server_max_window_bits=10"),
                client.endClientHandshake(response).negotiatedExtensions());
        client.close();
        server.close();
    }

    @Test
    void withoutAConfigurationEveryInstalledExtensionButTheNoOpOnesIsOffered() {
        InstalledExtensions installed = installed();
        installed.install(InstalledExtensions.noOp("ext2"));
        ExtensionOffer offer = ExtensionOffer.defaults(installed);
        assertEquals(List.of("permessage-deflate"), offer.elements());
        assertEquals("permessage-deflate; client_max_window_bits", requestHeader(offer));
    }

    @Test
    void namesThatAreNotTokensAreADeploymentException() {
        for (String name : List.of("two words", "a,b", "")) {
            assertThrows(DeploymentException.class, () -> ExtensionOffer.of(
                    List.of(ExtensionHeader.extension(name, List.of())), installed()), name);
        }
        assertThrows(DeploymentException.class, () -> ExtensionOffer.of(List.of(ExtensionHeader.extension("ok",
                List.of(new dev.ferry.jakarta.JakartaExtension.Parameter("bad name", "v")))), installed()));
    }
}
