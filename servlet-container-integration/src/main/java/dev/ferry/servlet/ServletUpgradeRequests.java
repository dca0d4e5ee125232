package dev.ferry.servlet;

import dev.ferry.jakarta.server.UpgradeRequest;
import dev.ferry.protocol.HttpHeader;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Copies what the opening handshake and the session need out of an {@link HttpServletRequest} into the servlet-free
 * {@link UpgradeRequest}: method, request URI and the path within the application, headers, parameters, the user
 * principal and roles, the HTTP session, and whether the request came over TLS. Not the socket addresses: no
 * Jakarta API reports them, and turning the container's address strings into {@code InetAddress}es cost about 1% of
 * the server's time per handshake.
 *
 * <p>Stateless. The role check ({@code isUserInRole}) consults the servlet request, so it is valid only while the
 * request is being handled, which is when the handshake runs.
 */
final class ServletUpgradeRequests {

    private ServletUpgradeRequests() {
    }

    /**
     * The upgrade request {@code request} describes.
     *
     * @throws IllegalArgumentException when the request URI is not a valid URI (the caller answers 400)
     */
    static UpgradeRequest from(HttpServletRequest request) {
        String rawPath = request.getRequestURI();
        String query = request.getQueryString();
        URI requestUri = requestUri(rawPath, query);
        String contextPath = request.getContextPath();
        String endpointPath = rawPath.startsWith(contextPath) ? rawPath.substring(contextPath.length()) : rawPath;
        if (endpointPath.isEmpty()) {
            endpointPath = "/";
        }
        return UpgradeRequest.get(requestUri)
                .method(request.getMethod())
                .endpointPath(endpointPath)
                .headers(headers(request))
                .parameters(query == null ? Map.of() : parameters(request))
                .userPrincipal(request.getUserPrincipal())
                .userInRole(request::isUserInRole)
                .httpSession(request.getSession(false))
                .secure(request.isSecure())
                .build();
    }

    /**
     * The request target as a URI: the last one made when the path and query are the same (handshakes mostly repeat
     * one target, and parsing costs more than comparing two strings), else parsed.
     *
     * @throws IllegalArgumentException when the target is not a valid URI
     */
    private static URI requestUri(String rawPath, String query) {
        Target last = lastTarget;
        if (last != null && last.rawPath().equals(rawPath) && Objects.equals(last.query(), query)) {
            return last.uri();
        }
        URI uri = URI.create(query == null ? rawPath : rawPath + "?" + query);
        lastTarget = new Target(rawPath, query, uri);
        return uri;
    }

    /** A request target and its URI (immutable, so any thread may take it). */
    private record Target(String rawPath, String query, URI uri) { }

    private static volatile Target lastTarget;

    private static List<HttpHeader> headers(HttpServletRequest request) {
        List<HttpHeader> headers = new ArrayList<>(16);
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                headers.add(new HttpHeader(name, values.nextElement()));
            }
        }
        return headers;
    }

    /**
     * The request's parameters, asked of the container only when there is a query: a handshake is a GET without
     * content, so without a query there are none, and a container may still do work to find that out (Jetty looks
     * for form fields).
     */
    private static Map<String, List<String>> parameters(HttpServletRequest request) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> parameters.put(name, List.of(values)));
        return parameters;
    }
}
