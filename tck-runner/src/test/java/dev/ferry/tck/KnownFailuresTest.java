package dev.ferry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class KnownFailuresTest {

    private static final String API = "com.sun.ts.tests.websocket.api.X.WSClientIT";
    private static final String SPEC = "com.sun.ts.tests.websocket.spec.Y.WSCClientIT";

    @Test
    void parsesEntriesAndSkipsComments() {
        KnownFailures known = KnownFailures.parse(List.of(
                "# header",
                "",
                API + "#a   not yet implemented: api",
                SPEC + "#b flaky: idle timeout races the close",
                SPEC + "#c vacuous: passes while no endpoint is deployed"), "known-failures.txt");

        assertEquals(Map.of(API + "#a", "not yet implemented: api",
                SPEC + "#b", "flaky: idle timeout races the close",
                SPEC + "#c", "vacuous: passes while no endpoint is deployed"), known.reasons());
        assertTrue(known.contains(API + "#a"));
        assertFalse(known.isTolerated(API + "#a"));
        assertTrue(known.isTolerated(SPEC + "#b"));
        assertTrue(known.isTolerated(SPEC + "#c"));
        assertFalse(known.isTolerated(SPEC + "#unlisted"));
    }

    @Test
    void everyEntryNeedsAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KnownFailures.parse(List.of(API + "#a"), "f"));
        assertEquals("expected a reason after " + API + "#a at f:1 (every known failure says why)", e.getMessage());
    }

    @Test
    void entriesNameAMethod() {
        assertThrows(IllegalArgumentException.class, () -> KnownFailures.parse(List.of(API + " reason"), "f"));
    }

    @Test
    void duplicatesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> KnownFailures.parse(List.of(API + "#a x", API + "#a y"), "f"));
    }

    @Test
    void recordingKeepsReasonsAndToleratedEntriesAndDropsPassingOnes() {
        TreeMap<String, String> reasons = new TreeMap<>(Map.of(
                API + "#a", "needs idle timeout (#7)",
                API + "#fixed", "not yet implemented: api",
                API + "#vacuous", "vacuous: nothing deployed",
                SPEC + "#b", "flaky: races"));
        KnownFailures known = new KnownFailures(reasons);

        KnownFailures recorded = known.recordedFrom(List.of(
                new TestOutcome(API, "a", TestOutcome.Status.FAILED, "boom"),
                new TestOutcome(API, "fixed", TestOutcome.Status.PASSED, ""),
                new TestOutcome(SPEC, "b", TestOutcome.Status.PASSED, ""),
                new TestOutcome(SPEC, "c", TestOutcome.Status.FAILED, "boom")));

        assertEquals(Map.of(API + "#a", "needs idle timeout (#7)",
                API + "#vacuous", "vacuous: nothing deployed",
                SPEC + "#b", "flaky: races",
                SPEC + "#c", "not yet implemented: spec"), recorded.reasons());
    }

    @Test
    void writtenLinesParseBack() {
        KnownFailures known = new KnownFailures(new TreeMap<>(Map.of(API + "#a", "not yet implemented: api")));

        assertEquals(known, KnownFailures.parse(known.toLines(), "round trip"));
    }
}
