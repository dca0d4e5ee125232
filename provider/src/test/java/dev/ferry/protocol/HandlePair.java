package dev.ferry.protocol;

import static org.junit.jupiter.api.Assertions.fail;

/** A client handle and a server handle pumped against each other in memory (no sockets). */
final class HandlePair {

    final Peer client;
    final Peer server;

    HandlePair(HandleProperties clientProperties, HandleProperties serverProperties, long seed) {
        this.client = new Peer(Handles.client(clientProperties, seed));
        this.server = new Peer(Handles.server(serverProperties, seed + 1));
    }

    HandlePair(Peer client, Peer server) {
        this.client = client;
        this.server = server;
    }

    HandlePair() {
        this(HandleProperties.defaults(), HandleProperties.defaults(), 42);
    }

    /** Steps both sides until neither can make progress; fails after {@code limit} steps. */
    int pump(int limit) {
        int steps = 0;
        while (true) {
            client.kick();
            server.kick();
            boolean progress = client.step(server) | server.step(client);
            if (!progress) {
                return steps;
            }
            if (++steps > limit) {
                fail("no quiescence after " + limit + " steps");
            }
        }
    }

    int pump() {
        return pump(1_000_000);
    }

    void assertExhausted() {
        client.recorder.assertExhausted();
        server.recorder.assertExhausted();
    }
}
