package dev.ferry.examples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.examples.EchoEndpoint;
import dev.ferry.servlet.fixture.ServletContainerFixture;
import dev.ferry.servlet.fixture.WebApplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Python's {@code websockets} client (websockets-client.py) against Ferry's echo endpoint, with and
 * without permessage-deflate, on every container.
 */
class PythonWebsocketsClientIT {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (ServletContainerFixture.Kind kind : ServletContainerFixture.Kind.values()) {
            cases.add(Arguments.of(kind, false));
            cases.add(Arguments.of(kind, true));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, permessage-deflate offered: {1}")
    @MethodSource("cases")
    void echoesEverythingTheWebsocketsClientSends(ServletContainerFixture.Kind kind, boolean deflate)
            throws Exception {
        Path python = Peers.python();
        try (ServletContainerFixture container = kind.create()) {
            container.start(WebApplication.of(EchoEndpoint.class));
            List<Object> command = new ArrayList<>(
                    List.of(python, "websockets-client.py", container.uri("ws", "/echo")));
            if (deflate) {
                command.add("--deflate");
            }
            Peers.Run run = Peers.run(Duration.ofSeconds(60), command.toArray());
            assertEquals(0, run.exitCode(), run::describe);
            assertTrue(run.stdout().contains("\"ok\": true"), run::describe);
            assertEquals(deflate, run.stdout().contains("permessage-deflate"), run::describe);
        }
    }
}
