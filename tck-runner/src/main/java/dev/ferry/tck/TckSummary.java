package dev.ferry.tck;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The summary step of {@code -Ptck}: reads the failsafe reports of a TCK run, prints
 * {@code TCK 2.2: N run, P passed, F failed, S skipped} with the failures by area and by class, and applies
 * the {@link KnownFailures} ratchet.
 *
 * <p>The ratchet: a failed test that is not in {@code known-failures.txt} is a regression and fails the build;
 * a listed test that passed is reported as fixed (remove it from the file) and does not fail the build; a
 * listed {@code flaky:} or {@code vacuous:} test is tolerated whatever its outcome. In {@code record} mode the
 * file is rewritten from this run instead (see {@link KnownFailures#recordedFrom}).
 *
 * <p>Immutable once computed.
 *
 * @param run            tests that ran (passed + failed + skipped)
 * @param passed         tests that passed
 * @param failed         tests that failed or ended in an error
 * @param skipped        tests that were skipped
 * @param failuresByArea area to number of failures
 * @param failuresByClass class to the methods that failed in it
 * @param regressions    failed tests not in the known-failures file
 * @param fixed          known failures (not flaky or vacuous) that passed
 * @param passedOnRerun  tests that failed, then passed on failsafe's rerun: counted as passed, printed as flaky
 */
public record TckSummary(int run, int passed, int failed, int skipped, SortedMap<String, Integer> failuresByArea,
        SortedMap<String, List<String>> failuresByClass, List<TestOutcome> regressions, List<String> fixed,
        List<TestOutcome> passedOnRerun) {

    private static final int MAX_MESSAGE = 160;

    public TckSummary {
        failuresByArea = new TreeMap<>(failuresByArea);
        failuresByClass = new TreeMap<>(failuresByClass);
        regressions = List.copyOf(regressions);
        fixed = List.copyOf(fixed);
        passedOnRerun = List.copyOf(passedOnRerun);
    }

    public static TckSummary of(List<TestOutcome> outcomes, KnownFailures known) {
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        SortedMap<String, Integer> byArea = new TreeMap<>();
        SortedMap<String, List<String>> byClass = new TreeMap<>();
        List<TestOutcome> regressions = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        List<TestOutcome> passedOnRerun = new ArrayList<>();
        for (TestOutcome outcome : outcomes) {
            switch (outcome.status()) {
                case PASSED -> {
                    passed++;
                    if (outcome.passedOnRerun()) {
                        passedOnRerun.add(outcome);
                    }
                    if (known.contains(outcome.id()) && !known.isTolerated(outcome.id())) {
                        fixed.add(outcome.id());
                    }
                }
                case SKIPPED -> skipped++;
                case FAILED -> {
                    failed++;
                    byArea.merge(outcome.area(), 1, Integer::sum);
                    byClass.computeIfAbsent(outcome.className(), c -> new ArrayList<>()).add(outcome.method());
                    if (!known.contains(outcome.id())) {
                        regressions.add(outcome);
                    }
                }
            }
        }
        return new TckSummary(outcomes.size(), passed, failed, skipped, byArea, byClass, regressions, fixed,
                passedOnRerun);
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "TCK 2.2: %d run, %d passed, %d failed, %d skipped%n",
                run, passed, failed, skipped));
        if (!failuresByArea.isEmpty()) {
            out.append("Failures by area:");
            failuresByArea.forEach((area, count) -> out.append(' ').append(area).append(' ').append(count));
            out.append(System.lineSeparator()).append("Failures by class:").append(System.lineSeparator());
            for (Map.Entry<String, List<String>> entry : failuresByClass.entrySet()) {
                out.append(String.format(Locale.ROOT, "  %s: %d %s%n",
                        entry.getKey(), entry.getValue().size(), entry.getValue()));
            }
        }
        if (!fixed.isEmpty()) {
            out.append(String.format(Locale.ROOT,
                    "Now passing, remove from known-failures.txt (%d):%n", fixed.size()));
            fixed.forEach(id -> out.append("  ").append(id).append(System.lineSeparator()));
        }
        if (!passedOnRerun.isEmpty()) {
            out.append(String.format(Locale.ROOT,
                    "Flaky: failed, then passed on rerun (%d; counted as passed, each a bug to find):%n",
                    passedOnRerun.size()));
            passedOnRerun.forEach(o -> out.append("  ").append(o.id()).append(": ").append(abbreviate(o.message()))
                    .append(System.lineSeparator()));
        }
        if (!regressions.isEmpty()) {
            out.append(String.format(Locale.ROOT,
                    "NEW FAILURES, not in known-failures.txt (%d):%n", regressions.size()));
            regressions.forEach(o -> out.append("  ").append(o.id()).append(": ").append(abbreviate(o.message()))
                    .append(System.lineSeparator()));
        }
        return out.toString();
    }

    /** Failure messages of the TCK can run to kilobytes; the reports keep them whole. */
    static String abbreviate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
    }

    /**
     * {@code TckSummary <reports-dir> <known-failures-file> [check|record]}. Throws (failing the Maven build
     * that runs it) when there are no reports or when {@code check} finds a regression.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            throw new IllegalArgumentException(
                    "expected <reports-dir> <known-failures-file> [check|record], got " + List.of(args));
        }
        Path reports = Path.of(args[0]);
        Path knownFile = Path.of(args[1]);
        String mode = args.length == 3 ? args[2] : "check";
        if (!mode.equals("check") && !mode.equals("record")) {
            throw new IllegalArgumentException("expected mode check or record, got " + mode);
        }

        List<TestOutcome> outcomes = FailsafeReports.read(reports);
        if (outcomes.isEmpty()) {
            throw new IllegalStateException("expected TCK test reports in " + reports + ", found none");
        }
        KnownFailures known = KnownFailures.read(knownFile);
        TckSummary summary = of(outcomes, known);
        System.out.print(summary.render());

        if (mode.equals("record")) {
            known.recordedFrom(outcomes).write(knownFile);
            System.out.println("Recorded " + summary.failed() + " failures into " + knownFile);
        } else if (!summary.regressions().isEmpty()) {
            throw new IllegalStateException(summary.regressions().size()
                    + " TCK tests failed that are not in " + knownFile + " (the ratchet allows no new failure)");
        }
    }
}
