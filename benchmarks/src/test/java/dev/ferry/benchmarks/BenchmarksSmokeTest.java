package dev.ferry.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every benchmark method a few times outside JMH, for every parameter combination, and checks that
 * Ferry and Jetty did the same work on the same input. Measures nothing.
 */
class BenchmarksSmokeTest {

    @ParameterizedTest
    @CsvSource({"64, false", "64, true", "65536, false", "65536, true"})
    void parseSeesTheSameFramesOnBothSides(int size, boolean masked) {
        FrameParseBenchmark benchmark = new FrameParseBenchmark();
        benchmark.size = size;
        benchmark.masked = masked;
        benchmark.setUp();
        for (int i = 0; i < 3; i++) {
            assertEquals(benchmark.jetty(), benchmark.ferry(), "checksum of run " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"64, false", "64, true", "65536, false", "65536, true"})
    void generateWritesTheSameHeadersAndMaskedBytes(int size, boolean masked) {
        FrameGenerateBenchmark benchmark = new FrameGenerateBenchmark();
        benchmark.size = size;
        benchmark.masked = masked;
        benchmark.setUp();
        long ferry = benchmark.ferry();
        assertEquals(benchmark.jetty(), ferry);
        assertTrue(ferry >= (long) FrameGenerateBenchmark.FRAMES * benchmark.expectedHeaderLength() - 16L * 128);
    }

    @ParameterizedTest
    @CsvSource({"SERVER, 64, false", "SERVER, 64, true", "SERVER, 65536, false", "SERVER, 65536, true",
        "CLIENT, 64, false", "CLIENT, 64, true", "CLIENT, 65536, false", "CLIENT, 65536, true"})
    void sendPutsOneMessageOnTheWire(String role, int size, boolean deflate) {
        MessageSendBenchmark benchmark = new MessageSendBenchmark();
        benchmark.role = role;
        benchmark.size = size;
        benchmark.deflate = deflate;
        benchmark.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                long ferry = benchmark.ferry();
                long unlocked = benchmark.ferryUnlocked();
                long unfused = benchmark.ferryUnfused();
                long jetty = benchmark.jetty();
                if (deflate) {
                    assertTrue(ferry > 0 && ferry < size + 14, "Ferry wrote " + ferry + " bytes");
                    assertTrue(jetty > 0 && jetty < size + 14, "Jetty wrote " + jetty + " bytes");
                    assertTrue(unlocked > 0 && unlocked < size + 14, "Ferry unlocked wrote " + unlocked + " bytes");
                    assertTrue(unfused > 0 && unfused < size + 14, "Ferry unfused wrote " + unfused + " bytes");
                } else {
                    assertEquals(jetty, ferry, "bytes on the wire, run " + i);
                    assertEquals(ferry, unlocked, "bytes on the wire without the lock, run " + i);
                    assertEquals(ferry, unfused, "bytes on the wire without the fused calls, run " + i);
                }
            }
        } finally {
            benchmark.tearDown();
        }
    }

    @ParameterizedTest
    @CsvSource({"SERVER, 64, false", "SERVER, 64, true", "SERVER, 65536, false", "SERVER, 65536, true",
        "CLIENT, 64, false", "CLIENT, 64, true", "CLIENT, 65536, false", "CLIENT, 65536, true"})
    void receiveDeliversTheWholeMessageOnBothSides(String role, int size, boolean deflate) {
        MessageReceiveBenchmark benchmark = new MessageReceiveBenchmark();
        benchmark.role = role;
        benchmark.size = size;
        benchmark.deflate = deflate;
        benchmark.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(size, benchmark.ferry(), "Ferry, run " + i);
                assertEquals(size, benchmark.ferryUnlocked(), "Ferry without the lock, run " + i);
                assertEquals(size, benchmark.ferryUnfused(), "Ferry without the fused calls, run " + i);
                assertEquals(size, benchmark.jetty(), "Jetty, run " + i);
            }
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void idleThenWakeDeliversTheSameMessageAsAwake() {
        IdleWakeBenchmark benchmark = new IdleWakeBenchmark();
        benchmark.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(64, benchmark.awake(), "bytes delivered, run " + i);
                assertEquals(64, benchmark.idleThenWake(), "bytes delivered after a returned read, run " + i);
            }
        } finally {
            benchmark.tearDown();
        }
    }
}
