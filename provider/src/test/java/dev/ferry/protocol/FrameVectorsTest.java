package dev.ferry.protocol;

import dev.ferry.protocol.frame.FrameParser;
import dev.ferry.protocol.frame.Opcode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feeds every golden vector of {@code vectors/frames.txt} to a handle whole, split at every point
 * (every 97th point for vectors over 4 KiB), and one byte at a time, and checks the reported events,
 * and after a violation the one Close the handle writes (J2).
 */
class FrameVectorsTest {

    static List<FrameVector> vectors() {
        return FrameVector.load("/vectors/frames.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void whole(FrameVector vector) {
        check(vector, List.of(vector.bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everySplitPoint(FrameVector vector) {
        byte[] bytes = vector.bytes();
        int step = bytes.length > 4096 ? 97 : 1;
        for (int split = 1; split < bytes.length; split += step) {
            check(vector, List.of(FrameVector.slice(bytes, 0, split), FrameVector.slice(bytes, split, bytes.length)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void oneByteAtATime(FrameVector vector) {
        byte[] bytes = vector.bytes();
        List<byte[]> parts = new ArrayList<>(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            parts.add(new byte[] {bytes[i]});
        }
        check(vector, parts);
    }

    private static void check(FrameVector vector, List<byte[]> parts) {
        Peer peer = new Peer(Handles.open(vector.role(), vector.properties())).autoReceive();
        for (byte[] part : parts) {
            peer.inbound.add(part);
            drain(peer);
        }
        List<String> actual = FrameVector.describe(peer.recorder);
        assertEquals(vector.expected(), actual, () -> vector.name() + " fed in " + parts.size() + " parts");
        String last = vector.expected().get(vector.expected().size() - 1);
        if (last.startsWith("fail:")) {
            assertEquals(HandleState.FAILED, peer.handle.state());
            int code = Integer.parseInt(last.substring(5));
            List<byte[]> closes = closesWritten(peer);
            assertEquals(1, closes.size(), "exactly one Close written after the violation");
            byte[] close = closes.get(0);
            int header = 2 + (vector.role() == Role.CLIENT ? 4 : 0);
            byte[] payload = Peer.payloadOf(close);
            assertEquals(code, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF), "close code written");
            assertTrue(close.length > header, "the failure Close says what happened");
            assertEquals(Action.NO_ACTION, peer.handle.getAction(ActionQueue.ALL));
        }
    }

    private static void drain(Peer peer) {
        for (int i = 0; peer.step(null); i++) {
            if (i > 10_000_000) {
                throw new AssertionError("handle never went idle");
            }
        }
    }

    private static List<byte[]> closesWritten(Peer peer) {
        List<byte[]> closes = new ArrayList<>();
        for (byte[] frame : peer.written) {
            FrameParser parser = new FrameParser(Role.CLIENT, true);
            parser.parse(ByteBuffer.wrap(frame), 0, frame.length);
            if (parser.opcode() == Opcode.CLOSE) {
                closes.add(frame);
            }
        }
        return closes;
    }
}
