package dev.ferry.jakarta.server;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link ResponseHeaders#withoutSpaceAroundSeparators}: the loop that replaced two regular expressions. */
class ResponseHeadersTest {

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
