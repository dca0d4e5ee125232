package dev.ferry.jakarta.server;

import jakarta.websocket.DeploymentException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A server endpoint path: a level-1 URI template (RFC 6570) in which a variable, written {@code {name}}, is a
 * whole path segment (Jakarta WebSocket 2.2 §3.1.1). Immutable and thread safe.
 *
 * <p>Matching splits the request path at {@code /} and percent-decodes each segment (UTF-8) before comparing it
 * with a literal segment or binding it to a variable, so {@code /a%20b} matches the literal {@code /a b} and
 * binds {@code {x}} to {@code "a/b"} for the segment {@code a%2Fb}. A variable matches a non-empty segment only.
 *
 * <p>{@link #PRECEDENCE} orders templates for matching: fewer segments first, then segment by segment with a
 * literal before a variable (§3.1.1), then literals by text. The first template in that order that matches a
 * path is the one the spec selects, because any two templates that both match a path can only differ, at their
 * first differing segment, by one having a literal where the other has a variable.
 */
public record UriTemplate(String path, List<Segment> segments) {

    /** One path segment: literal text, or a variable's name. */
    public record Segment(String text, boolean variable) {
    }

    /** The matching order of §3.1.1 (see the class comment). */
    public static final Comparator<UriTemplate> PRECEDENCE = UriTemplate::comparePrecedence;

    public UriTemplate {
        segments = List.copyOf(segments);
    }

    /**
     * Parses an endpoint path.
     *
     * @throws DeploymentException when the path is not a valid endpoint path, saying which rule it breaks
     */
    public static UriTemplate parse(String path) throws DeploymentException {
        if (path == null || !path.startsWith("/")) {
            throw new DeploymentException("endpoint path must start with '/', got '" + path
                    + "' (Jakarta WebSocket 2.2 §3.1.1, relative URIs are not allowed)");
        }
        if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            throw new DeploymentException("endpoint path '" + path + "' must not contain a query or fragment");
        }
        String[] parts = path.substring(1).split("/", -1);
        List<Segment> segments = new ArrayList<>(parts.length);
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() && i < parts.length - 1) {
                throw new DeploymentException("endpoint path '" + path + "' has an empty segment ('//')");
            }
            if (part.equals(".") || part.equals("..")) {
                throw new DeploymentException("endpoint path '" + path + "' has a relative segment '" + part
                        + "' (Jakarta WebSocket 2.2 §3.1.1, the path must be absolute and normalized)");
            }
            if (part.startsWith("{") && part.endsWith("}") && part.length() >= 2) {
                String name = part.substring(1, part.length() - 1);
                if (name.isEmpty() || name.indexOf('{') >= 0 || name.indexOf('}') >= 0) {
                    throw new DeploymentException("endpoint path '" + path + "' has a malformed variable '" + part
                            + "' (expected {name} with a non-empty name)");
                }
                if (!names.add(name)) {
                    throw new DeploymentException("endpoint path '" + path + "' declares variable {" + name
                            + "} twice");
                }
                segments.add(new Segment(name, true));
            } else if (part.indexOf('{') >= 0 || part.indexOf('}') >= 0) {
                throw new DeploymentException("endpoint path '" + path + "' has segment '" + part
                        + "' mixing text and a variable (a variable must be a whole segment, §3.1.1)");
            } else {
                segments.add(new Segment(part, false));
            }
        }
        return new UriTemplate(path, segments);
    }

    /** The variables' names, in path order. */
    public List<String> variables() {
        return segments.stream().filter(Segment::variable).map(Segment::text).toList();
    }

    /** Whether this template has no variables (an exact path). */
    public boolean isExact() {
        return segments.stream().noneMatch(Segment::variable);
    }

    /**
     * The path with every variable's name erased ({@code /a/{}}): two templates with the same normalized form
     * match the same paths, so they cannot both be deployed.
     */
    public String normalized() {
        return "/" + segments.stream().map(s -> s.variable() ? "{}" : s.text()).collect(Collectors.joining("/"));
    }

    /**
     * Matches a request path (as sent, percent-encoded, without query).
     *
     * @return the variables' decoded values by name (empty for an exact template), or null when it does not match
     */
    public Map<String, String> match(String requestPath) {
        List<String> decoded = decodeSegments(requestPath);
        return decoded == null ? null : matchDecoded(decoded);
    }

    Map<String, String> matchDecoded(List<String> requestSegments) {
        if (requestSegments.size() != segments.size()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            String actual = requestSegments.get(i);
            if (segment.variable()) {
                if (actual.isEmpty()) {
                    return null;
                }
                values.put(segment.text(), actual);
            } else if (!segment.text().equals(actual)) {
                return null;
            }
        }
        return values;
    }

    /**
     * Splits a request path into percent-decoded segments.
     *
     * @return the segments, or null when the path does not start with '/' or is not valid percent-encoded UTF-8
     */
    static List<String> decodeSegments(String requestPath) {
        if (requestPath == null || !requestPath.startsWith("/")) {
            return null;
        }
        String[] parts = requestPath.substring(1).split("/", -1);
        List<String> decoded = new ArrayList<>(parts.length);
        for (String part : parts) {
            String value = percentDecode(part);
            if (value == null) {
                return null;
            }
            decoded.add(value);
        }
        return decoded;
    }

    /** RFC 3986 §2.1 percent-decoding as UTF-8; '+' stays '+' (it means space only in form data). */
    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int comparePrecedence(UriTemplate a, UriTemplate b) {
        int bySize = Integer.compare(a.segments.size(), b.segments.size());
        if (bySize != 0) {
            return bySize;
        }
        for (int i = 0; i < a.segments.size(); i++) {
            Segment x = a.segments.get(i);
            Segment y = b.segments.get(i);
            if (x.variable() != y.variable()) {
                return x.variable() ? 1 : -1;
            }
            if (!x.variable()) {
                int byText = x.text().compareTo(y.text());
                if (byText != 0) {
                    return byText;
                }
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return path;
    }
}
