package dev.ferry.benchmarks;

import dev.ferry.protocol.frame.FrameGenerator;
import dev.ferry.protocol.frame.FrameHeader;
import dev.ferry.protocol.frame.Masking;
import dev.ferry.protocol.frame.Opcode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The bytes every benchmark feeds to both Ferry and Jetty: seeded, so each run and each side sees exactly
 * the same input. Payloads are ASCII words drawn from a small vocabulary, so they compress about as well
 * as chat or JSON traffic does (random bytes would make permessage-deflate meaningless).
 */
final class Inputs {

    /** The masking key of the RFC 6455 §5.7 examples. */
    static final int MASK_KEY = 0x37FA213D;

    private static final String[] WORDS = {"ferry", "socket", "frame", "message", "deflate", "window", "12",
        "\"id\":", "{\"text\":\"", "\"},", "the", "a", "of", "payload", "2026", "ok", "mask", "opcode"};

    private Inputs() {
    }

    /** {@code size} bytes of word-like ASCII from a generator seeded with {@code seed}. */
    static byte[] payload(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(size + 16);
        while (text.length() < size) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** The MASK_KEY as Jetty wants it: four bytes in wire order. */
    static byte[] maskBytes() {
        return ByteBuffer.allocate(4).putInt(MASK_KEY).array();
    }

    /**
     * {@code count} final BINARY frames of {@code payload}, back to back, masked with {@link #MASK_KEY} or not.
     * The buffer's position is 0 and its limit the end of the last frame.
     */
    static ByteBuffer frames(byte[] payload, boolean masked, int count) {
        ByteBuffer source = ByteBuffer.wrap(payload);
        int frameLength = FrameHeader.lengthOf(masked, payload.length) + payload.length;
        ByteBuffer wire = ByteBuffer.allocate(frameLength * count);
        for (int i = 0; i < count; i++) {
            FrameGenerator.writeHeader(wire, true, 0, Opcode.BINARY, masked, masked ? MASK_KEY : 0, payload.length);
            Masking.maskInto(source, 0, wire, wire.position(), payload.length, masked ? MASK_KEY : 0, 0);
            wire.position(wire.position() + payload.length);
        }
        return wire.flip();
    }
}
