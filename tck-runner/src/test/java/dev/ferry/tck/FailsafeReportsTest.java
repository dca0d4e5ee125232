package dev.ferry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class FailsafeReportsTest {

    private static final String SESSION = "com.sun.ts.tests.websocket.api.jakarta.websocket.session.WSClientIT";

    @Test
    void readsEveryTestCaseWithItsStatusAndFirstMessageLine() throws Exception {
        List<TestOutcome> outcomes = FailsafeReports.read(reportsDirectory());

        assertEquals(List.of(
                new TestOutcome(SESSION, "getIdTest", TestOutcome.Status.PASSED, ""),
                new TestOutcome(SESSION, "closeTest", TestOutcome.Status.FAILED, "expected close within ws_wait"),
                new TestOutcome(SESSION, "openTest", TestOutcome.Status.FAILED, "java.io.IOException"),
                new TestOutcome(SESSION, "rerunTest", TestOutcome.Status.PASSED,
                        TestOutcome.PASSED_ON_RERUN + "timed out"),
                new TestOutcome(SESSION, "skippedTest", TestOutcome.Status.SKIPPED, "disabled")), outcomes);
    }

    @Test
    void missingDirectoryIsAnError() {
        assertThrows(IOException.class, () -> FailsafeReports.read(Path.of("target/no-such-reports")));
    }

    @Test
    void methodNameDropsJUnitParentheses() {
        assertEquals("closeTest", FailsafeReports.methodName("closeTest()"));
        assertEquals("echo", FailsafeReports.methodName("echo(String)"));
        assertEquals("plain", FailsafeReports.methodName("plain"));
    }

    private static Path reportsDirectory() throws URISyntaxException {
        return Path.of(FailsafeReportsTest.class.getResource("/reports/TEST-sample.xml").toURI()).getParent();
    }
}
