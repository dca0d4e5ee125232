package dev.ferry.tck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ratchet file {@code known-failures.txt}: one TCK test per line, {@code <class>#<method> <reason>}, the
 * reason mandatory. Lines starting with {@code #} and blank lines are comments.
 *
 * <p>Two reason prefixes mark a test whose outcome says nothing yet, tolerated whether it passes or fails and
 * never reported as fixed: {@code flaky:} (seen both passing and failing on unchanged code) and
 * {@code vacuous:} (passes only because the feature under test is absent, for example a negative-deployment
 * test while no endpoint is deployed at all).
 *
 * <p>Immutable.
 *
 * @param reasons test id ({@link TestOutcome#id()}) to reason, sorted by id
 */
public record KnownFailures(SortedMap<String, String> reasons) {

    static final String FLAKY = "flaky:";
    static final String VACUOUS = "vacuous:";

    private static final List<String> HEADER = List.of(
            "# Known failures of the Jakarta WebSocket TCK against Ferry (see README.md, \"The ratchet\").",
            "# One test per line: <class>#<method> <reason>. A failing test not listed here fails the build;",
            "# a listed test that passes is reported so it can be removed. A reason starting with \"flaky:\"",
            "# (fails only sometimes) or \"vacuous:\" (passes only because the feature is absent) is tolerated",
            "# either way and never reported as fixed.");

    public KnownFailures {
        reasons = Collections.unmodifiableSortedMap(new TreeMap<>(reasons));
    }

    public static KnownFailures none() {
        return new KnownFailures(new TreeMap<>());
    }

    /** Reads the file; a missing file means no known failures. */
    public static KnownFailures read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return none();
        }
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    static KnownFailures parse(List<String> lines, String source) {
        SortedMap<String, String> reasons = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            String where = source + ":" + (i + 1);
            if (!parts[0].contains("#") || parts[0].startsWith("#") || parts[0].endsWith("#")) {
                throw new IllegalArgumentException("expected <class>#<method> at " + where + ", got " + parts[0]);
            }
            if (parts.length < 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException("expected a reason after " + parts[0] + " at " + where
                        + " (every known failure says why)");
            }
            if (reasons.put(parts[0], parts[1].strip()) != null) {
                throw new IllegalArgumentException("expected each test once, got " + parts[0] + " again at " + where);
            }
        }
        return new KnownFailures(reasons);
    }

    public boolean contains(String testId) {
        return reasons.containsKey(testId);
    }

    /** Whether the entry is {@code flaky:} or {@code vacuous:}: tolerated whatever the outcome. */
    public boolean isTolerated(String testId) {
        String reason = reasons.get(testId);
        return reason != null && tolerates(reason);
    }

    private static boolean tolerates(String reason) {
        return reason.startsWith(FLAKY) || reason.startsWith(VACUOUS);
    }

    /**
     * The file as it should be after a run: every failed test (keeping an existing reason, otherwise
     * {@code "not yet implemented: <area>"}), plus every tolerated entry whatever its outcome.
     */
    public KnownFailures recordedFrom(List<TestOutcome> outcomes) {
        SortedMap<String, String> recorded = new TreeMap<>();
        reasons.forEach((id, reason) -> {
            if (tolerates(reason)) {
                recorded.put(id, reason);
            }
        });
        for (TestOutcome outcome : outcomes) {
            if (outcome.status() == TestOutcome.Status.FAILED) {
                recorded.putIfAbsent(outcome.id(),
                        reasons.getOrDefault(outcome.id(), "not yet implemented: " + outcome.area()));
            }
        }
        return new KnownFailures(recorded);
    }

    public List<String> toLines() {
        List<String> lines = new ArrayList<>(HEADER);
        for (Map.Entry<String, String> entry : reasons.entrySet()) {
            lines.add(entry.getKey() + " " + entry.getValue());
        }
        return lines;
    }

    public void write(Path file) throws IOException {
        Files.write(file, toLines(), StandardCharsets.UTF_8);
    }
}
