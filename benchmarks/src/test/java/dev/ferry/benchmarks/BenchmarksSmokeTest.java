package dev.ferry.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

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
    @CsvSource({"64, 66", "200, 204"})
    void echoPathWritesEachEchoWhole(int size, long echoBytes) {
        EchoPathBenchmark benchmark = new EchoPathBenchmark();
        benchmark.size = size;
        benchmark.setUp();
        try {
            for (int i = 0; i < 1_000; i++) {
                assertEquals(echoBytes, benchmark.echo(), "bytes written for echo " + i);
            }
        } finally {
            benchmark.tearDown();
        }
    }

    /** Every parameter set of the message benchmarks: role, size, deflate. */
    static Stream<Arguments> messageCases() {
        return Stream.of("SERVER", "CLIENT").flatMap(role -> Stream.of(64, 65536).flatMap(size ->
                Stream.of(false, true).map(deflate -> Arguments.of(role, size, deflate))));
    }

    @ParameterizedTest
    @MethodSource("messageCases")
    void sendPutsOneMessageOnTheWire(String role, int size, boolean deflate) {
        MessageBenchmark benchmark = new MessageSendBenchmark().setUp(role, size, deflate);
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
    @MethodSource("messageCases")
    void receiveDeliversTheWholeMessageOnBothSides(String role, int size, boolean deflate) {
        MessageBenchmark benchmark = new MessageReceiveBenchmark().setUp(role, size, deflate);
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
