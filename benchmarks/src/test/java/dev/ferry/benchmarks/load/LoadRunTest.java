package dev.ferry.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load run's bookkeeping: the order of the rounds and the table of medians. Measures nothing. */
class LoadRunTest {

    @Test
    void overAsManyRoundsAsServersEachServerComesAtEveryPositionOnce() {
        List<String> servers = List.of("ferry", "jetty", "tomcat");
        List<Set<String>> byPosition = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());
        for (int round = 0; round < servers.size(); round++) {
            List<String> order = LoadRun.order(servers, round);
            assertEquals(Set.copyOf(servers), Set.copyOf(order), "round " + round + " visits every server once");
            for (int position = 0; position < order.size(); position++) {
                byPosition.get(position).add(order.get(position));
            }
        }
        for (Set<String> position : byPosition) {
            assertEquals(Set.copyOf(servers), position);
        }
        assertEquals(servers, LoadRun.order(servers, 3), "the fourth round starts over");
    }

    @Test
    void theMedianIsTheMiddleRoundOrTheMeanOfTheMiddleTwo() {
        LoadTable.Result result = LoadTable.Result.empty("ferry");
        result.rounds().get(0).addAll(List.of(30.0, 10.0, 20.0));
        result.rounds().get(1).addAll(List.of(4.0, 1.0, 3.0, 2.0));
        assertEquals(20.0, result.median(0));
        assertEquals(2.5, result.median(1));
        assertTrue(Double.isNaN(result.median(2)), "a row not measured has no median");
    }

    @Test
    void theTableShowsMediansTheirRatioAgainstJettyAndEachServersRange() {
        LoadTable.Result ferry = LoadTable.Result.empty("ferry");
        LoadTable.Result jetty = LoadTable.Result.empty("jetty");
        ferry.rounds().get(0).addAll(List.of(26_000.0, 24_000.0, 25_000.0));
        jetty.rounds().get(0).addAll(List.of(20_000.0, 22_000.0, 21_000.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Map<String, WarmUp.Outcome> warmedUp = new LinkedHashMap<>();
        warmedUp.put("one", new WarmUp.Outcome(2, false));
        warmedUp.put("handshakes", new WarmUp.Outcome(6, true));
        LoadTable.print(new ArrayList<>(List.of(ferry, jetty)), warmedUp, 3,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| " + LoadRun.ROWS[0] + " | 25,000 | 1.19 | 21,000 |"), table);
        assertTrue(table.contains("Medians of 3 rounds, after warm-up rounds that are not recorded, until no server's"
                + " CPU time per operation fell by more than 10% from one to the next (one 2, handshakes 6 still falling"
                + " at the bound) ("), table);
        assertTrue(table.contains("| row | ferry | jetty |"), table);
        assertTrue(table.contains("| " + LoadRun.ROWS[0] + " | 24,000 to 26,000 | 20,000 to 22,000 |"), table);
        assertTrue(table.contains("| " + LoadRun.ROWS[5] + " | - | - |"), table);
    }

    @Test
    void aVerdictIsAheadOrBehindOnlyWhenEveryPairOfRoundsAgreesInTheRowsOwnDirection() {
        assertEquals(LoadRun.ROWS.length, LoadRun.HIGHER_IS_BETTER.length);
        assertEquals(70, LoadTable.orderings(4), "two sets of four rounds rank together in 8 choose 4 orders");
        LoadTable.Result ferry = LoadTable.Result.empty("ferry");
        LoadTable.Result jetty = LoadTable.Result.empty("jetty");
        ferry.rounds().get(0).addAll(List.of(30.0, 31.0, 32.0, 33.0)); // round trips: higher is better
        jetty.rounds().get(0).addAll(List.of(20.0, 21.0, 22.0, 29.0));
        ferry.rounds().get(1).addAll(List.of(30.0, 31.0, 32.0, 33.0)); // p50 latency: lower is better
        jetty.rounds().get(1).addAll(List.of(20.0, 21.0, 22.0, 29.0));
        ferry.rounds().get(2).addAll(List.of(10.0, 20.0, 30.0, 40.0)); // overlapping, with one tie
        jetty.rounds().get(2).addAll(List.of(15.0, 20.0, 35.0, 50.0));
        ferry.rounds().get(6).add(8_800.0); // memory: one measurement each
        jetty.rounds().get(6).add(12_700.0);
        assertEquals("ahead (16/16)", LoadTable.verdict(ferry, jetty, 0));
        assertEquals("behind (0/16)", LoadTable.verdict(ferry, jetty, 1));
        assertEquals("ahead (16/16)", LoadTable.verdict(jetty, ferry, 1));
        // Ferry's 10, 20, 30, 40 against 15, 20, 35, 50, lower better: 4 + 2.5 + 2 + 1 pairs won.
        assertEquals("level (9.5/16)", LoadTable.verdict(ferry, jetty, 2));
        assertEquals("ahead (1/1)", LoadTable.verdict(ferry, jetty, 6));
        assertEquals(LoadTable.NOT_MEASURED, LoadTable.verdict(ferry, jetty, 3));
    }

    @Test
    void theTableEndsWithFerrysVerdictAgainstEachPeerButTheControl() {
        LoadTable.Result ferry = LoadTable.Result.empty("ferry");
        LoadTable.Result jetty = LoadTable.Result.empty("jetty");
        LoadTable.Result bare = LoadTable.Result.empty("bare");
        ferry.rounds().get(0).addAll(List.of(26_000.0, 24_000.0));
        jetty.rounds().get(0).addAll(List.of(20_000.0, 25_000.0));
        bare.rounds().get(0).addAll(List.of(19_000.0, 19_500.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoadTable.print(new ArrayList<>(List.of(ferry, jetty, bare)), Map.of("one", new WarmUp.Outcome(2, false)), 2,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| row | ferry vs jetty |\n"), table);
        assertTrue(table.contains("with 2 rounds each happens by chance in 2 orderings of 6 (a two-sided Mann-Whitney"
                + " test at 33%)"), table);
        assertTrue(table.contains("| " + LoadRun.ROWS[0] + " | level (3/4) |"), table);
        assertFalse(table.contains("vs bare"), table);
    }

    @Test
    void theBareControlTakesPartInTheOneConnectionRowsAlone() {
        LoadRun.Server bare = new LoadRun.Server("bare", "bare", "");
        LoadRun.Server ferry = new LoadRun.Server("ferry", "jetty", "");
        assertTrue(bare.measures("one"));
        for (String group : List.of("memory", "many", "large", "handshakes")) {
            assertFalse(bare.measures(group), group);
            assertTrue(ferry.measures(group), group);
        }
        assertTrue(ferry.measures("one"));
    }

    @Test
    void aServerNotMeasuredOnARowShowsADashAndNoRatio() {
        LoadTable.Result jetty = LoadTable.Result.empty("jetty");
        LoadTable.Result bare = LoadTable.Result.empty("bare");
        jetty.rounds().get(1).add(50.0);
        jetty.rounds().get(3).add(160_000.0);
        bare.rounds().get(1).add(48.0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoadTable.print(new ArrayList<>(List.of(jetty, bare)), Map.of("one", new WarmUp.Outcome(0, false), "many", new WarmUp.Outcome(0, false)), 1,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| " + LoadRun.ROWS[1] + " | 50.0 | 48.0 | 0.96 |"), table);
        assertTrue(table.contains("| " + LoadRun.ROWS[3] + " | 160,000 | - | - |"), table);
        assertTrue(table.contains("Medians of 1 round, without a warm-up round ("), table);
    }
}
