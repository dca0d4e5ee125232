package dev.ferry.jakarta.server;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** URI-template precedence, Jakarta WebSocket 2.2 §3.1.1 (the spec's examples first, then edge cases). */
class EndpointRegistryTest {

    public static final class Echo extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
        }
    }

    private static EndpointRegistry registry(String... paths) throws DeploymentException {
        EndpointRegistry registry = new EndpointRegistry();
        for (String path : paths) {
            registry.add(UriTemplate.parse(path), ServerEndpointConfig.Builder.create(Echo.class, path).build());
        }
        return registry;
    }

    /** Columns: deployed paths ('|'-separated), request path, expected template ('-' for none), expected params. */
    @ParameterizedTest(name = "{1} -> {2} {3}")
    @CsvSource(delimiter = ';', value = {
            // spec example 1: only exact matches
            "/a/b; /a/b; /a/b; ",
            "/a/b; /a; -; ",
            "/a/b; /a/b/c; -; ",
            // spec example 2: one variable
            "/a/{var}; /a/b; /a/{var}; var=b",
            "/a/{var}; /a/apple; /a/{var}; var=apple",
            "/a/{var}; /a; -; ",
            "/a/{var}; /a/b/c; -; ",
            // spec example 3: exact before template, literal segment before variable
            "/a/{var1}/{var2}|/a/b/{var3}|/a/b/c; /a/b/c; /a/b/c; ",
            "/a/{var1}/{var2}|/a/b/{var3}|/a/b/c; /a/b/d; /a/b/{var3}; var3=d",
            "/a/{var1}/{var2}|/a/b/{var3}|/a/b/c; /a/x/y; /a/{var1}/{var2}; var1=x,var2=y",
            "/a/{var1}/{var2}|/a/b/{var3}|/a/b/c; /a/b; -; ",
            "/a/{var1}/{var2}|/a/b/{var3}|/a/b/c; /a/b/c/d; -; ",
            // the leftmost literal wins, even against a later literal
            "/{var1}/d|/b/{var2}; /b/d; /b/{var2}; var2=d",
            "/a/{var}/c|/a/b/c|/a/{var1}/{var2}; /a/d/c; /a/{var}/c; var=d",
            "/a/{var}/c|/a/b/c|/a/{var1}/{var2}; /a/x/y; /a/{var1}/{var2}; var1=x,var2=y",
            // edge cases: decoding, empty segments, trailing slash, root
            "/a/{var}; /a/hello%20world; /a/{var}; var=hello world",
            "/a/{var}; /a/x%2Fy; /a/{var}; var=x/y",
            "/a/b|/{x}/{y}; /a%2Fb; -; ",
            "/a/{var}; /a/; -; ",
            "/a/b/; /a/b/; /a/b/; ",
            "/a/b/; /a/b; -; ",
            "/; /; /; ",
            "/{x}; /; -; ",
            "/caf\u00e9; /caf%C3%A9; /caf\u00e9; ",
            "/a/{var}; /a/%ZZ; -; ",
            "/a/{var}; /a/%C3; -; ",
            "/a/{var}; /a/a+b; /a/{var}; var=a+b",
    })
    void matchesAsTheSpecSays(String deployed, String request, String expected, String params)
            throws DeploymentException {
        EndpointRegistry registry = registry(deployed.split("\\|"));
        EndpointRegistry.Match match = registry.match(request);
        if (expected.equals("-")) {
            assertNull(match, () -> "expected no match, got " + match.entry().template());
            return;
        }
        assertEquals(expected, match.entry().template().path());
        Map<String, String> expectedParams = new LinkedHashMap<>();
        if (params != null) {
            Arrays.stream(params.split(",")).map(p -> p.split("=", 2)).forEach(p -> expectedParams.put(p[0], p[1]));
        }
        assertEquals(expectedParams, match.pathParameters());
    }

    private static final String TCK_SET = "/a|/{a}|/c/{d}|/{c}/d|/c/d|/{c}/{d}|/a/c/d|/a/c/{d}|/a/{c}/d|/a/{c}/{d}"
            + "|/{a}/c/d|/{a}/c/{d}|/{a}/{c}/d|/{a}/{c}/{d}";

    /** The TCK's URI-matching application (every combination of literals and variables over a, c, d). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/a, /a",
            "/one, /{a}",
            "/c/one, /c/{d}",
            "/c/d, /c/d",
            "/one/d, /{c}/d",
            "/one/two, /{c}/{d}",
            "/a/c/d, /a/c/d",
            "/a/one/two, /a/{c}/{d}",
            "/one/c/two, /{a}/c/{d}",
            "/one/two/d, /{a}/{c}/d",
            "/one/two/three, /{a}/{c}/{d}",
            "/a/c/one, /a/c/{d}",
            "/a/one/d, /a/{c}/d",
            "/one/c/d, /{a}/c/d",
            "/a/c/d/e, -",
    })
    void theTcksUriMatchingSet(String request, String expected) throws DeploymentException {
        EndpointRegistry.Match match = registry(TCK_SET.split("\\|")).match(request);
        assertEquals(expected, match == null ? "-" : match.entry().template().path());
    }

    @Test
    void pathParametersKeepTheTemplatesOrder() throws DeploymentException {
        // Map.copyOf's iteration order is random per JVM; with seven unrelated names a wrong order shows every run.
        EndpointRegistry.Match match = registry("/{room}/{user}/{id}/{zeta}/{alpha}/{mid}/{param1}")
                .match("/1/2/3/4/5/6/7");
        assertEquals(List.of("room", "user", "id", "zeta", "alpha", "mid", "param1"),
                List.copyOf(match.pathParameters().keySet()));
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7"), List.copyOf(match.pathParameters().values()));
    }

    @Test
    void theOrderOfDeploymentDoesNotChangeTheMatch() throws DeploymentException {
        List<String> paths = List.of("/{a}/{b}/{c}", "/x/{b}/{c}", "/{a}/y/{c}", "/{a}/{b}/z", "/x/y/{c}");
        for (int rotation = 0; rotation < paths.size(); rotation++) {
            String[] rotated = new String[paths.size()];
            for (int i = 0; i < paths.size(); i++) {
                rotated[i] = paths.get((i + rotation) % paths.size());
            }
            EndpointRegistry registry = registry(rotated);
            assertEquals("/x/y/{c}", registry.match("/x/y/z").entry().template().path());
            assertEquals("/x/{b}/{c}", registry.match("/x/q/z").entry().template().path());
            assertEquals("/{a}/y/{c}", registry.match("/q/y/z").entry().template().path());
            assertEquals("/{a}/{b}/z", registry.match("/q/q/z").entry().template().path());
            assertEquals("/{a}/{b}/{c}", registry.match("/q/q/q").entry().template().path());
        }
    }

    @ParameterizedTest(name = "{0} then {1}")
    @CsvSource({
            "/a/b, /a/b",
            "/a/{x}, /a/{y}",
            "/{x}/{y}, /{p}/{q}",
            "/a/{x}/c, /a/{z}/c",
    })
    void equivalentPathsAreRejected(String first, String second) throws DeploymentException {
        EndpointRegistry registry = registry(first);
        DeploymentException failure = assertThrows(DeploymentException.class,
                () -> registry.add(UriTemplate.parse(second),
                        ServerEndpointConfig.Builder.create(Echo.class, second).build()));
        assertTrue(failure.getMessage().contains("'" + second + "'"), failure.getMessage());
        assertTrue(failure.getMessage().contains("'" + first + "'"), failure.getMessage());
        assertTrue(failure.getMessage().contains(Echo.class.getName()), failure.getMessage());
    }
}
