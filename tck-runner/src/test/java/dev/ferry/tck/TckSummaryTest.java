package dev.ferry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class TckSummaryTest {

    private static final String API = "com.sun.ts.tests.websocket.api.X.WSClientIT";
    private static final String NEGDEP = "com.sun.ts.tests.websocket.negdep.Y.WSCClientIT";
    private static final String SIG = "com.sun.ts.tests.websocket.signaturetest.WebSocketSigTestIT";

    private static final List<TestOutcome> RUN = List.of(
            new TestOutcome(API, "known", TestOutcome.Status.FAILED, "still broken"),
            new TestOutcome(API, "fresh", TestOutcome.Status.FAILED, "newly broken"),
            new TestOutcome(API, "fixed", TestOutcome.Status.PASSED, ""),
            new TestOutcome(NEGDEP, "flaky", TestOutcome.Status.PASSED, ""),
            new TestOutcome(NEGDEP, "vacuous", TestOutcome.Status.PASSED, ""),
            new TestOutcome(NEGDEP, "skipped", TestOutcome.Status.SKIPPED, "disabled"),
            new TestOutcome(SIG, "signatureTest", TestOutcome.Status.FAILED, "diffs found"));

    private static final KnownFailures KNOWN = new KnownFailures(new TreeMap<>(Map.of(
            API + "#known", "not yet implemented: api",
            API + "#fixed", "not yet implemented: api",
            NEGDEP + "#flaky", "flaky: races",
            NEGDEP + "#vacuous", "vacuous: nothing deployed",
            SIG + "#signatureTest", "not yet implemented: signature")));

    @Test
    void countsAndGroupsFailures() {
        TckSummary summary = TckSummary.of(RUN, KNOWN);

        assertEquals(7, summary.run());
        assertEquals(3, summary.passed());
        assertEquals(3, summary.failed());
        assertEquals(1, summary.skipped());
        assertEquals(Map.of("api", 2, "signature", 1), summary.failuresByArea());
        assertEquals(Map.of(API, List.of("known", "fresh"), SIG, List.of("signatureTest")),
                summary.failuresByClass());
    }

    @Test
    void onlyUnlistedFailuresAreRegressionsAndToleratedPassesAreNotReportedFixed() {
        TckSummary summary = TckSummary.of(RUN, KNOWN);

        assertEquals(List.of(RUN.get(1)), summary.regressions());
        assertEquals(List.of(API + "#fixed"), summary.fixed());
    }

    @Test
    void rendersTheHeadlineFirst() {
        String text = TckSummary.of(RUN, KNOWN).render();

        assertEquals("TCK 2.2: 7 run, 3 passed, 3 failed, 1 skipped", text.lines().findFirst().orElseThrow());
        assertEquals("Failures by area: api 2 signature 1", text.lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void aTestThatPassedOnlyOnRerunCountsAsPassedAndIsPrintedAsFlaky() {
        TestOutcome rerun = new TestOutcome(API, "wobbly", TestOutcome.Status.PASSED,
                TestOutcome.PASSED_ON_RERUN + "timed out");
        TckSummary summary = TckSummary.of(List.of(RUN.get(2), rerun), KNOWN);

        assertEquals(2, summary.passed());
        assertEquals(List.of(rerun), summary.passedOnRerun());
        assertEquals(List.of(), summary.regressions());
        assertTrue(summary.render().contains("Flaky: failed, then passed on rerun (1"), summary.render());
        assertTrue(summary.render().contains(API + "#wobbly: passed on rerun after: timed out"), summary.render());
    }

    @Test
    void areasComeFromThePackage() {
        assertEquals("negdep", TestOutcome.areaOf(NEGDEP));
        assertEquals("signature", TestOutcome.areaOf(SIG));
        assertEquals("ee", TestOutcome.areaOf("com.sun.ts.tests.websocket.ee.Z.WSClientIT"));
        assertEquals("spec", TestOutcome.areaOf("com.sun.ts.tests.websocket.spec.Z.WSClientIT"));
        assertEquals("other", TestOutcome.areaOf("dev.ferry.tck.DeploymentRoundTripIT"));
    }
}
