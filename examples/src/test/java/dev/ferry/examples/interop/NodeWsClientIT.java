package dev.ferry.examples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.servlet.fixture.ServletContainerFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Node's {@code ws} client (ws-client.mjs) against Ferry's echo endpoint, with and without
 * permessage-deflate, on every container: short, empty, non-ASCII, 70 KiB and 1 MiB messages, a
 * fragmented text, a ping, and the close handshake.
 */
class NodeWsClientIT {

    @ParameterizedTest(name = "{0}, permessage-deflate offered: {1}")
    @MethodSource("dev.ferry.examples.interop.Peers#everyContainerWithAndWithoutDeflate")
    void echoesEverythingTheWsClientSends(ServletContainerFixture.Kind kind, boolean deflate) throws Exception {
        Peers.Run run = Peers.echoClient(kind, deflate, Peers.node(), "ws-client.mjs");
        assertTrue(run.stdout().contains("\"ok\":true"), run::describe);
        assertEquals(deflate, run.stdout().contains("\"extensions\":\"permessage-deflate"), run::describe);
    }
}
