package dev.ferry.jakarta.server;

import jakarta.websocket.DeploymentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UriTemplateTest {

    /** Columns: the bad path, a fragment the message must contain. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = ';', value = {
            "a/b; must start with '/'",
            "''; must start with '/'",
            "/a/../b; relative segment '..'",
            "/a/./b; relative segment '.'",
            "/..; relative segment '..'",
            "/a//b; empty segment",
            "/a/b{var}; mixing text and a variable",
            "/{var}.do; mixing text and a variable",
            "/a/{}; malformed variable",
            "/a/{x}/{x}; declares variable {x} twice",
            "/a?b=c; query or fragment",
            "/a/{var/b}; mixing text and a variable",
    })
    void badPathsAreRejectedWithTheRule(String path, String expected) {
        DeploymentException failure = assertThrows(DeploymentException.class, () -> UriTemplate.parse(path));
        assertTrue(failure.getMessage().contains(expected), failure.getMessage());
    }

    @Test
    void variablesAndNormalFormOfATemplate() throws DeploymentException {
        UriTemplate template = UriTemplate.parse("/bookings/{guest-id}/rooms/{room}");
        assertEquals(List.of("guest-id", "room"), template.variables());
        assertEquals("/bookings/{}/rooms/{}", template.normalized());
        assertEquals(false, template.isExact());
        assertEquals(true, UriTemplate.parse("/hello").isExact());
    }

    @Test
    void percentDecodingIsUtf8AndLeavesPlusAlone() {
        assertEquals("a b", UriTemplate.percentDecode("a%20b"));
        assertEquals("\u20ac", UriTemplate.percentDecode("%E2%82%AC"));
        assertEquals("a+b", UriTemplate.percentDecode("a+b"));
        assertEquals(null, UriTemplate.percentDecode("%E2%82"));
        assertEquals(null, UriTemplate.percentDecode("%2"));
    }
}
