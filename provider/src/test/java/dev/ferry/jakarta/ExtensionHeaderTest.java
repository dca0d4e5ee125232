package dev.ferry.jakarta;

import jakarta.websocket.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExtensionHeaderTest {

    /** Columns: header value, the elements as formatted after parsing ('|'-separated). */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '#', value = {
            "permessage-deflate# permessage-deflate",
            "permessage-deflate; client_max_window_bits# permessage-deflate; client_max_window_bits",
            "a;x=1;y , b# a; x=1; y|b",
            "a; x=\"10\"# a; x=10",
            "a; x=\"1,2\", b# a; x=\"1,2\"|b",
            " , a ,, b ,# a|b",
            "bad name, ok# ok",
            "a; =1, ok# ok",
            "a; x=, ok# ok",
            "a; x=\"\", ok# ok",
    })
    void parsesTheRfc6455ListSyntax(String header, String expected) {
        List<String> formatted = ExtensionHeader.parse(header).stream().map(ExtensionHeader::format).toList();
        assertEquals(List.of(expected.trim().split("\\|")), formatted);
    }

    @Test
    void aBareParameterHasAnEmptyValue() {
        Extension extension = ExtensionHeader.parse("permessage-deflate; server_no_context_takeover").get(0);
        assertEquals("permessage-deflate", extension.getName());
        assertEquals("server_no_context_takeover", extension.getParameters().get(0).getName());
        assertEquals("", extension.getParameters().get(0).getValue());
    }

    @Test
    void severalHeaderValuesAreOneList() {
        assertEquals(List.of("a", "b; x=1", "c"), ExtensionHeader.parse(List.of("a, b;x=1", "c")).stream()
                .map(ExtensionHeader::format).toList());
    }
}
