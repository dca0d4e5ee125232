package dev.ferry.benchmarks.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The load run's control echoes what the load client sends, as a server would, so its latency is comparable. */
class BareEchoTest {

    @Test
    void echoesTheLoadClientsMessagesOfEverySizeItMeasuresAndAnswersItsClose() throws IOException {
        try (ServerSocket listener = BareEcho.start();
                WireClient client = WireClient.connect(listener.getLocalPort(), "/echo", 7)) {
            SplittableRandom random = new SplittableRandom(3);
            for (int length : new int[] {0, 1, 64, 125, 126, 1000, 65_535}) {
                byte[] payload = new byte[length];
                random.nextBytes(payload);
                client.sendBinary(payload, length);
                client.flush();
                assertEquals(length, client.readMessage(), "the echo of " + length + " bytes");
                assertArrayEquals(payload, client.lastFramePayload(), "the echo of " + length + " bytes");
            }
            client.closeHandshake();
        }
    }
}
