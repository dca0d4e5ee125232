package dev.ferry.jakarta;

import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A frame's declared length sizes the buffer a whole message is gathered in ({@link Inbound}), but only so far: a
 * peer that declares a long frame, sends a little of it and stalls must not make the session hold the whole message
 * bound.
 */
class DeclaredLengthTest {

    private static final int MIB = 1 << 20;

    private SessionPair pair;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aDeclaredLongFrameBuysAtMostTheCreditAheadOfTheBytesSent() throws Exception {
        assumeTrue(AllThreadsAllocation.bytes() >= 0, "this JVM does not count allocated bytes per thread");
        RecordingEndpoint client = new RecordingEndpoint(s -> {
            s.setMaxBinaryMessageBufferSize(256 * MIB);
            s.addMessageHandler(ByteBuffer.class, bytes -> { });
        });
        pair = SessionPair.create(1 << 16);
        pair.openClient(client, SessionPair.config());
        RawPeer server = new RawPeer(pair.wires.server());
        long declared = 128L * MIB;
        byte[] start = new byte[10 + 8192];
        start[0] = (byte) 0x82; // FIN, BINARY
        start[1] = 127; // a 64-bit length follows (RFC 6455 §5.2)
        for (int i = 0; i < 8; i++) {
            start[2 + i] = (byte) (declared >>> (56 - 8 * i));
        }
        long before = AllThreadsAllocation.bytes();
        server.write(start);
        server.close(); // the stream ends after the 8 KiB; the client reads them first
        CloseReason reason = client.awaitClose();
        long allocated = AllThreadsAllocation.bytes() - before;
        assertEquals(1006, reason.getCloseCode().getCode());
        assertTrue(allocated < Inbound.AHEAD_CREDIT + MIB / 2, "a " + declared + "-byte frame of which 8 KiB came made "
                + "the session allocate " + allocated + " bytes; at most " + Inbound.AHEAD_CREDIT + " ahead expected");
    }
}
