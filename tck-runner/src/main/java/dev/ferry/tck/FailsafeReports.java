package dev.ferry.tck;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** Reads the {@code TEST-*.xml} files failsafe writes into a list of {@link TestOutcome}s. Stateless. */
public final class FailsafeReports {

    private FailsafeReports() {
    }

    /** Every test case of every {@code TEST-*.xml} directly in {@code directory}, in file-name order. */
    public static List<TestOutcome> read(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("expected a failsafe reports directory, found nothing at " + directory);
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith("TEST-") && name.endsWith(".xml");
            }).sorted().toList();
        }
        List<TestOutcome> outcomes = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                outcomes.addAll(parse(in));
            } catch (SAXException e) {
                throw new IOException("expected a failsafe XML report in " + file + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(outcomes);
    }

    static List<TestOutcome> parse(InputStream report) throws IOException, SAXException {
        Document document = newBuilder().parse(report);
        NodeList cases = document.getElementsByTagName("testcase");
        List<TestOutcome> outcomes = new ArrayList<>(cases.getLength());
        for (int i = 0; i < cases.getLength(); i++) {
            outcomes.add(toOutcome((Element) cases.item(i)));
        }
        return outcomes;
    }

    private static TestOutcome toOutcome(Element testCase) {
        String className = testCase.getAttribute("classname");
        String method = methodName(testCase.getAttribute("name"));
        TestOutcome.Status status = TestOutcome.Status.PASSED;
        String message = "";
        for (Node child = testCase.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (!(child instanceof Element element)) {
                continue;
            }
            switch (element.getTagName()) {
                case "failure", "error" -> {
                    status = TestOutcome.Status.FAILED;
                    message = firstLine(element.hasAttribute("message")
                            ? element.getAttribute("message") : element.getAttribute("type"));
                }
                case "flakyFailure", "flakyError" -> {
                    if (status == TestOutcome.Status.PASSED && message.isEmpty()) {
                        // failsafe's rerun: failed first, then passed (a failure that stays has "failure" too)
                        message = TestOutcome.PASSED_ON_RERUN + firstLine(element.hasAttribute("message")
                                ? element.getAttribute("message") : element.getAttribute("type"));
                    }
                }
                case "skipped" -> {
                    if (status != TestOutcome.Status.FAILED) {
                        status = TestOutcome.Status.SKIPPED;
                        message = firstLine(element.getAttribute("message"));
                    }
                }
                default -> {
                    // system-out, system-err, properties: not part of the outcome
                }
            }
        }
        return new TestOutcome(className, method, status, message);
    }

    /** JUnit 5 may report {@code "name()"} or {@code "name(Type)"}; the ratchet keys on the bare name. */
    static String methodName(String reported) {
        int paren = reported.indexOf('(');
        return (paren < 0 ? reported : reported.substring(0, paren)).strip();
    }

    private static String firstLine(String text) {
        String stripped = text == null ? "" : text.strip();
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline).strip();
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser rejected a standard feature", e);
        }
    }
}
