package dev.ferry.protocol.extension;

import dev.ferry.protocol.extension.ExtensionElement.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RFC 6455 §9.1 grammar of one Sec-WebSocket-Extensions element. */
class ExtensionElementTest {

    @Test
    void parsesNameAndParametersWithAndWithoutValues() {
        ExtensionElement element = ExtensionElement.parse(" permessage-deflate ;\tclient_max_window_bits ; a = 1;b=\"x\\yz\" ");
        assertEquals("permessage-deflate", element.name());
        assertEquals(List.of(new Parameter("client_max_window_bits", null), new Parameter("a", "1"),
                new Parameter("b", "xyz")), element.parameters());
        assertEquals("permessage-deflate; client_max_window_bits; a=1; b=xyz", element.toString());
    }

    @Test
    void keepsDuplicatesForTheExtensionToJudge() {
        assertEquals(2, ExtensionElement.parse("e; p; p").parameters().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ";", "e;", "e; ", "e;;p", "e; =1", "e; p=", "e; p= ", "e; p q", "e p",
        "e; p=\"\"", "e; p=\"a b\"", "e; p=\"open", "e; p=\"x\\", "e, f", "e; p=1=2", "é"})
    void rejectsWhatTheGrammarDoesNot(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ExtensionElement.parse(text));
        assertTrue(error.getMessage().contains("RFC 6455 §9.1"), error.getMessage());
    }
}
