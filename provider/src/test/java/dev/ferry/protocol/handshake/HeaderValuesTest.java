package dev.ferry.protocol.handshake;

import dev.ferry.protocol.HttpHeader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HeaderValues#containsToken}, which scans in place, against what {@link HeaderValues#elements} copies. */
class HeaderValuesTest {

    @Test
    void findsATokenInAnyHeaderOfTheNameIgnoringCaseAndSpace() {
        List<HttpHeader> headers = List.of(new HttpHeader("connection", "keep-alive"),
                new HttpHeader("Connection", " keep-alive ,\tUpGrade "));
        assertTrue(HeaderValues.containsToken(headers, "Connection", "upgrade"));
        assertFalse(HeaderValues.containsToken(headers, "Upgrade", "upgrade"));
    }

    @Test
    void aCommaInsideAQuotedStringDoesNotSplit() {
        assertFalse(HeaderValues.containsToken(List.of(new HttpHeader("Connection", "\"x, upgrade\"")),
                "Connection", "upgrade"));
        assertFalse(HeaderValues.containsToken(List.of(new HttpHeader("Connection", "\"x\\\", upgrade\"")),
                "Connection", "upgrade"));
        assertTrue(HeaderValues.containsToken(List.of(new HttpHeader("Connection", "\"x, y\", upgrade")),
                "Connection", "upgrade"));
    }

    @Test
    void aPartOfAnElementIsNoToken() {
        List<HttpHeader> headers = List.of(new HttpHeader("Connection", "upgrades, xupgrade, upgrade-now,,"));
        assertFalse(HeaderValues.containsToken(headers, "Connection", "upgrade"));
    }

    @Test
    void agreesWithTheCopiedElementsOnRandomLists() {
        Random random = new Random(7);
        String[] parts = {"upgrade", "UPGRADE", " ", ",", "\"", "\\", "x", "\t", "up"};
        for (int i = 0; i < 5_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int k = random.nextInt(8); k > 0; k--) {
                value.append(parts[random.nextInt(parts.length)]);
            }
            List<HttpHeader> headers = List.of(new HttpHeader("Connection", value.toString()));
            boolean copied = HeaderValues.elements(headers, "Connection").stream()
                    .anyMatch(element -> element.equalsIgnoreCase("upgrade"));
            assertEquals(copied, HeaderValues.containsToken(headers, "Connection", "upgrade"), value.toString());
        }
    }
}
