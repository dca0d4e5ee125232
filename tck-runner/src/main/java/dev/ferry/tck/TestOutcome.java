package dev.ferry.tck;

import java.util.Objects;

/**
 * The result of one test method as a failsafe report records it.
 *
 * @param className the test class, for example {@code com.sun.ts.tests.websocket.api...WSClientIT}
 * @param method    the test method name, without parentheses
 * @param status    how it ended; an error counts as {@link Status#FAILED}
 * @param message   the failure message, or an empty string
 */
public record TestOutcome(String className, String method, Status status, String message) {

    /** How a test ended. */
    public enum Status { PASSED, FAILED, SKIPPED }

    /** Starts the message of a test that failed, then passed when failsafe ran it again. */
    public static final String PASSED_ON_RERUN = "passed on rerun after: ";

    private static final String TCK_PACKAGE = "com.sun.ts.tests.websocket.";

    public TestOutcome {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
    }

    /** {@code class#method}: the key used in {@code known-failures.txt} and in {@code -Dit.test}. */
    public String id() {
        return className + "#" + method;
    }

    /** Whether this test passed only when run a second time: it is flaky, whatever the cause. */
    public boolean passedOnRerun() {
        return status == Status.PASSED && message.startsWith(PASSED_ON_RERUN);
    }

    /** The TCK area: {@code api}, {@code ee}, {@code negdep}, {@code spec}, {@code signature}, or {@code other}. */
    public String area() {
        return areaOf(className);
    }

    static String areaOf(String className) {
        if (!className.startsWith(TCK_PACKAGE)) {
            return "other";
        }
        String rest = className.substring(TCK_PACKAGE.length());
        int dot = rest.indexOf('.');
        String first = dot < 0 ? rest : rest.substring(0, dot);
        return switch (first) {
            case "api", "ee", "negdep", "spec" -> first;
            case "signaturetest" -> "signature";
            default -> "other";
        };
    }
}
