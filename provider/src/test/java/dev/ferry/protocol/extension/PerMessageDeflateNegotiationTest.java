package dev.ferry.protocol.extension;

import dev.ferry.protocol.CloseStatus;
import dev.ferry.protocol.Extension;
import dev.ferry.protocol.ExtensionNotSupportedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.zip.Deflater;

import static dev.ferry.protocol.extension.ExtensionDriver.encodeHex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Negotiation, RFC 7692 §7.1: what a server answers or declines, and which responses a client rejects. */
class PerMessageDeflateNegotiationTest {

    private static final String HELLO = "f2 48 cd c9 c9 07 00";
    private static final String HELLO_AGAIN = "f2 00 11 00 00";

    @ParameterizedTest(name = "[{0}] {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            # server settings                  | offer                                                            | response, or DECLINE
            defaults                           | permessage-deflate                                               | permessage-deflate
            defaults                           | permessage-deflate; client_max_window_bits                       | permessage-deflate
            defaults                           | PerMessage-Deflate                                               | permessage-deflate
            defaults                           | permessage-deflate;server_no_context_takeover                    | permessage-deflate; server_no_context_takeover
            defaults                           | permessage-deflate; client_no_context_takeover                   | permessage-deflate; client_no_context_takeover
            defaults                           | permessage-deflate; server_max_window_bits=10                    | permessage-deflate; server_max_window_bits=10
            defaults                           | permessage-deflate; server_max_window_bits=8                     | permessage-deflate; server_max_window_bits=8
            defaults                           | permessage-deflate; server_max_window_bits=15                    | permessage-deflate; server_max_window_bits=15
            defaults                           | permessage-deflate; server_max_window_bits="12"                  | permessage-deflate; server_max_window_bits=12
            defaults                           | permessage-deflate; client_max_window_bits=8                     | permessage-deflate
            defaults                           | permessage-deflate ; client_max_window_bits = 9                  | permessage-deflate
            defaults                           | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9 | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9
            defaults                           | permessage-deflate; Server_No_Context_Takeover                   | permessage-deflate; server_no_context_takeover
            defaults                           | permessage-deflate; foo                                          | DECLINE
            defaults                           | permessage-deflate; x=1                                          | DECLINE
            defaults                           | permessage-deflate; server_no_context_takeover; server_no_context_takeover | DECLINE
            defaults                           | permessage-deflate; client_max_window_bits; client_max_window_bits=10 | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits=10; SERVER_MAX_WINDOW_BITS=10 | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits                       | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits=7                     | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits=16                    | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits=08                    | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits=010                   | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits=ten                   | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits=""                    | DECLINE
            defaults                           | permessage-deflate; client_max_window_bits=7                     | DECLINE
            defaults                           | permessage-deflate; client_max_window_bits=16                    | DECLINE
            defaults                           | permessage-deflate; server_no_context_takeover=1                 | DECLINE
            defaults                           | permessage-deflate; client_no_context_takeover="true"            | DECLINE
            defaults                           | permessage-deflate;                                              | DECLINE
            defaults                           | permessage-deflate;; client_max_window_bits                      | DECLINE
            defaults                           | permessage-deflate; =10                                          | DECLINE
            defaults                           | permessage-deflate; client_max_window_bits 10                    | DECLINE
            defaults                           | permessage-deflate; server_max_window_bits="10                   | DECLINE
            defaults                           | x-webkit-deflate-frame                                           | DECLINE
            serverNoContextTakeover            | permessage-deflate                                               | permessage-deflate; server_no_context_takeover
            serverNoContextTakeover            | permessage-deflate; server_no_context_takeover                   | permessage-deflate; server_no_context_takeover
            clientNoContextTakeover            | permessage-deflate                                               | permessage-deflate; client_no_context_takeover
            serverMaxWindowBits=10             | permessage-deflate                                               | permessage-deflate; server_max_window_bits=10
            serverMaxWindowBits=10             | permessage-deflate; server_max_window_bits=12                    | permessage-deflate; server_max_window_bits=10
            serverMaxWindowBits=10             | permessage-deflate; server_max_window_bits=9                     | permessage-deflate; server_max_window_bits=9
            clientMaxWindowBits=10             | permessage-deflate; client_max_window_bits                       | permessage-deflate; client_max_window_bits=10
            clientMaxWindowBits=10             | permessage-deflate; client_max_window_bits=12                    | permessage-deflate; client_max_window_bits=10
            clientMaxWindowBits=10             | permessage-deflate; client_max_window_bits=9                     | permessage-deflate; client_max_window_bits=9
            clientMaxWindowBits=10             | permessage-deflate                                               | DECLINE
            """)
    void serverAnswersOrDeclines(String settings, String offer, String expected) {
        Extension accepted = configured(settings).accept(offer);
        if (expected.equals("DECLINE")) {
            assertNull(accepted, () -> "expected a decline, got " + accepted.response());
        } else {
            assertNotNull(accepted, "expected an answer, got a decline");
            assertEquals(expected, accepted.response());
            assertEquals(PerMessageDeflate.NAME, accepted.name());
        }
    }

    @ParameterizedTest(name = "{0} <- {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            # offer                                          | response                                                   | OK, or a fragment of the refusal
            permessage-deflate                               | permessage-deflate                                         | OK
            permessage-deflate                               | Permessage-Deflate                                         | OK
            permessage-deflate                               | permessage-deflate; server_no_context_takeover             | OK
            permessage-deflate                               | permessage-deflate; client_no_context_takeover             | OK
            permessage-deflate                               | permessage-deflate; server_max_window_bits=8               | OK
            permessage-deflate                               | permessage-deflate; server_max_window_bits="9"             | OK
            permessage-deflate; client_max_window_bits       | permessage-deflate; client_max_window_bits=8               | OK
            permessage-deflate; client_max_window_bits       | permessage-deflate; client_max_window_bits=15              | OK
            permessage-deflate; client_max_window_bits       | permessage-deflate                                         | OK
            permessage-deflate; client_max_window_bits=10    | permessage-deflate; client_max_window_bits=10              | OK
            permessage-deflate; client_max_window_bits=10    | permessage-deflate; client_max_window_bits=9               | OK
            permessage-deflate; client_max_window_bits=10    | permessage-deflate                                         | OK
            permessage-deflate; server_max_window_bits=10    | permessage-deflate; server_max_window_bits=10              | OK
            permessage-deflate; server_max_window_bits=10    | permessage-deflate; server_max_window_bits=8               | OK
            permessage-deflate; server_no_context_takeover   | permessage-deflate; server_no_context_takeover             | OK
            permessage-deflate; client_no_context_takeover   | permessage-deflate                                         | OK
            permessage-deflate                               | permessage-deflate; client_max_window_bits=10              | offer did not have
            permessage-deflate; server_max_window_bits=10    | permessage-deflate; server_max_window_bits=11              | at most 10
            permessage-deflate; server_max_window_bits=10    | permessage-deflate                                         | at most 10
            permessage-deflate; server_no_context_takeover   | permessage-deflate                                         | expected server_no_context_takeover
            permessage-deflate; client_max_window_bits=10    | permessage-deflate; client_max_window_bits=11              | at most 10
            permessage-deflate; client_max_window_bits       | permessage-deflate; client_max_window_bits                 | with a value from 8 to 15
            permessage-deflate                               | permessage-deflate; server_max_window_bits                 | with a value from 8 to 15
            permessage-deflate                               | permessage-deflate; server_max_window_bits=7               | with a value from 8 to 15
            permessage-deflate                               | permessage-deflate; server_max_window_bits=16              | with a value from 8 to 15
            permessage-deflate                               | permessage-deflate; server_max_window_bits=010             | without leading zeros
            permessage-deflate; client_max_window_bits       | permessage-deflate; client_max_window_bits=0x9             | with a value from 8 to 15
            permessage-deflate                               | permessage-deflate; client_no_context_takeover=1           | without a value
            permessage-deflate                               | permessage-deflate; foo=1                                  | unknown parameter foo
            permessage-deflate                               | permessage-deflate; server_no_context_takeover; server_no_context_takeover | at most once
            permessage-deflate                               | x-webkit-deflate-frame                                     | expected extension permessage-deflate
            permessage-deflate                               | permessage-deflate;;                                       | expected a token
            permessage-deflate                               | permessage-deflate; server_max_window_bits="8              | closing
            """)
    void clientConfirmsOrRefuses(String offer, String response, String expected) {
        PerMessageDeflate client = PerMessageDeflate.defaults();
        if (expected.equals("OK")) {
            Extension confirmed = client.confirm(offer, response);
            assertEquals(response, confirmed.response());
            assertEquals(0x4, confirmed.rsvBits());
        } else {
            ExtensionNotSupportedException refusal =
                    assertThrows(ExtensionNotSupportedException.class, () -> client.confirm(offer, response));
            assertTrue(refusal.getMessage().contains(expected), refusal.getMessage());
            assertEquals(CloseStatus.UNSUPPORTED_EXTENSIONS, refusal.closeStatus());
            assertEquals(ExtensionNotSupportedException.HRESULT, refusal.hresult());
        }
    }

    @ParameterizedTest(name = "[{0}] offers {1}")
    @CsvSource(delimiter = '|', textBlock = """
            defaults                                   | permessage-deflate; client_max_window_bits
            serverNoContextTakeover                    | permessage-deflate; server_no_context_takeover; client_max_window_bits
            clientNoContextTakeover                    | permessage-deflate; client_no_context_takeover; client_max_window_bits
            serverMaxWindowBits=10                     | permessage-deflate; server_max_window_bits=10; client_max_window_bits
            clientMaxWindowBits=8                      | permessage-deflate; client_max_window_bits=8
            serverNoContextTakeover clientMaxWindowBits=12 | permessage-deflate; server_no_context_takeover; client_max_window_bits=12
            """)
    void clientOffers(String settings, String expected) {
        assertEquals(expected, configured(settings).offer());
    }

    @Test
    void clientOfferIsNotAValidOwnElement() {
        assertThrows(IllegalArgumentException.class,
                () -> PerMessageDeflate.defaults().confirm("permessage-deflate; bogus", "permessage-deflate"));
    }

    @Test
    void everyOurOfferIsAcceptedByOurServerAndTheAnswerConfirmed() {
        String[] settings = {"defaults", "serverNoContextTakeover", "clientNoContextTakeover", "serverMaxWindowBits=8",
            "clientMaxWindowBits=8", "serverNoContextTakeover clientNoContextTakeover serverMaxWindowBits=11"};
        for (String clientSettings : settings) {
            for (String serverSettings : settings) {
                PerMessageDeflate client = configured(clientSettings);
                String offer = client.offer();
                Extension server = configured(serverSettings).accept(offer);
                assertNotNull(server, () -> serverSettings + " declined " + offer);
                assertNotNull(client.confirm(offer, server.response()));
            }
        }
    }

    // What was agreed decides how each side compresses: context takeover, and Huffman-only for small windows.

    @Test
    void serverKeepsContextUnlessNoContextTakeoverWasAgreed() {
        Extension keeps = PerMessageDeflate.defaults().accept("permessage-deflate");
        assertEquals(HELLO, encodeHex(keeps, "Hello"));
        assertEquals(HELLO_AGAIN, encodeHex(keeps, "Hello"));

        Extension asked = PerMessageDeflate.defaults().accept("permessage-deflate; server_no_context_takeover");
        assertEquals(HELLO, encodeHex(asked, "Hello"));
        assertEquals(HELLO, encodeHex(asked, "Hello"));
    }

    @Test
    void clientDropsContextWhenTheResponseOrItsOwnOfferSaysSo() {
        PerMessageDeflate client = PerMessageDeflate.defaults();
        Extension keeps = client.confirm("permessage-deflate", "permessage-deflate; server_no_context_takeover");
        assertEquals(HELLO, encodeHex(keeps, "Hello"));
        assertEquals(HELLO_AGAIN, encodeHex(keeps, "Hello"));

        Extension told = client.confirm("permessage-deflate", "permessage-deflate; client_no_context_takeover");
        assertEquals(HELLO, encodeHex(told, "Hello"));
        assertEquals(HELLO, encodeHex(told, "Hello"));

        Extension promised = client.confirm("permessage-deflate; client_no_context_takeover", "permessage-deflate");
        assertEquals(HELLO, encodeHex(promised, "Hello"));
        assertEquals(HELLO, encodeHex(promised, "Hello"));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            server | permessage-deflate; server_max_window_bits=8                   |          | true
            server | permessage-deflate; server_max_window_bits=14                  |          | true
            server | permessage-deflate; server_max_window_bits=15                  |          | false
            server | permessage-deflate; client_max_window_bits=8                   |          | false
            client | permessage-deflate; client_max_window_bits                     | permessage-deflate; client_max_window_bits=8 | true
            client | permessage-deflate; client_max_window_bits=9                   | permessage-deflate                           | true
            client | permessage-deflate; client_max_window_bits                     | permessage-deflate; client_max_window_bits=15 | false
            client | permessage-deflate                                             | permessage-deflate; server_max_window_bits=8  | false
            """)
    void smallOwnWindowCompressesHuffmanOnly(String role, String offer, String response, boolean huffmanOnly) {
        ZlibRecorder zlib = new ZlibRecorder();
        PerMessageDeflate factory = PerMessageDeflate.builder().zlib(zlib).build();
        Extension extension = role.equals("server") ? factory.accept(offer) : factory.confirm(offer, response);
        String text = "Hello Hello Hello Hello Hello Hello";
        String encoded = encodeHex(extension, text);

        assertEquals(1, zlib.deflaters.size());
        assertEquals(huffmanOnly ? Deflater.HUFFMAN_ONLY : Deflater.DEFAULT_STRATEGY, zlib.deflaters.get(0).strategy);
        Deflater reference = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            reference.setStrategy(huffmanOnly ? Deflater.HUFFMAN_ONLY : Deflater.DEFAULT_STRATEGY);
            assertEquals(referenceEncoding(reference, text), encoded);
        } finally {
            reference.end();
        }
        Extension peer = role.equals("server")
                ? PerMessageDeflate.defaults().confirm(offer, extension.response())
                : PerMessageDeflate.defaults().accept(offer);
        assertEquals(text, ExtensionDriver.decodeHex(peer, encoded));
    }

    /** What one SYNC_FLUSH of {@code text} produces, tail stripped: a message with no string matches if Huffman-only. */
    private static String referenceEncoding(Deflater deflater, String text) {
        deflater.setInput(text.getBytes());
        byte[] out = new byte[256];
        int length = 0;
        do {
            length += deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
        } while (!deflater.needsInput());
        return ExtensionDriver.HEX.formatHex(out, 0, length - 4);
    }

    /** Builds settings from space-separated words: {@code serverNoContextTakeover}, {@code clientMaxWindowBits=9}. */
    static PerMessageDeflate configured(String settings) {
        PerMessageDeflate.Builder builder = PerMessageDeflate.builder();
        for (String word : settings.trim().split("\\s+")) {
            String[] pair = word.split("=");
            switch (pair[0]) {
                case "defaults" -> { }
                case "serverNoContextTakeover" -> builder.serverNoContextTakeover(true);
                case "clientNoContextTakeover" -> builder.clientNoContextTakeover(true);
                case "serverMaxWindowBits" -> builder.serverMaxWindowBits(Integer.parseInt(pair[1]));
                case "clientMaxWindowBits" -> builder.clientMaxWindowBits(Integer.parseInt(pair[1]));
                default -> throw new IllegalArgumentException("unknown setting " + word);
            }
        }
        return builder.build();
    }
}
