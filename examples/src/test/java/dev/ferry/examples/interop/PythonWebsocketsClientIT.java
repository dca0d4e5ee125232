package dev.ferry.examples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.ServletContainerFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Python's {@code websockets} client (websockets-client.py) against Ferry's echo endpoint, with and
 * without permessage-deflate, on every container.
 */
class PythonWebsocketsClientIT {

    @ParameterizedTest(name = "{0}, permessage-deflate offered: {1}")
    @MethodSource("dev.ferry.examples.interop.Peers#everyContainerWithAndWithoutDeflate")
    void echoesEverythingTheWebsocketsClientSends(ServletContainerFixture.Kind kind, boolean deflate)
            throws Exception {
        Peers.Run run = Peers.echoClient(kind, deflate, Peers.python(), "websockets-client.py");
        assertTrue(run.stdout().contains("\"ok\": true"), run::describe);
        assertEquals(deflate, run.stdout().contains("permessage-deflate"), run::describe);
    }
}
