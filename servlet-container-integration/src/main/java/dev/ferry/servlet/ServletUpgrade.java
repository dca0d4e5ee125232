package dev.ferry.servlet;

import dev.ferry.jakarta.server.UpgradeResult;
import dev.ferry.protocol.HttpHeader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Carries out the container's decision on a servlet request and response: a rejection becomes its status,
 * headers and plain-text body; an acceptance becomes {@code 101 Switching Protocols} with the handshake's headers
 * and {@link HttpServletRequest#upgrade}, whose {@link UpgradeHandler} opens the session once the container has
 * switched protocols. Shared by {@link UpgradeFilter} and {@link ServletUpgradeBridge}.
 *
 * <p>Stateless but for the executor, which the transports of the upgraded connections use, and what it knows of the
 * container; thread safe.
 */
final class ServletUpgrade {

    private final Executor executor;
    private final ContainerTraits traits;

    ServletUpgrade(Executor executor, ContainerTraits traits) {
        this.executor = executor;
        this.traits = traits;
    }

    /** Answers a request that cannot be turned into an upgrade request at all (RFC 6455 §4.2.1). */
    static void badRequest(HttpServletResponse response, String why) throws IOException {
        reject(response, new UpgradeResult.Rejected(HttpServletResponse.SC_BAD_REQUEST, List.of(), why));
    }

    static void reject(HttpServletResponse response, UpgradeResult.Rejected rejected) throws IOException {
        response.setStatus(rejected.status());
        addHeaders(response, rejected.headers());
        response.setContentType("text/plain;charset=UTF-8");
        byte[] body = (rejected.body() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Answers 101, switches protocols and arranges for the session to open on the upgraded connection. */
    void accept(HttpServletRequest request, HttpServletResponse response, UpgradeResult.Accepted accepted)
            throws IOException {
        try {
            response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
            addHeaders(response, accepted.responseHeaders(), !traits.setsUpgradeHeaders());
            UpgradeHandler handler = request.upgrade(UpgradeHandler.class);
            handler.prepare(accepted, request, executor, traits);
        } catch (IOException | RuntimeException | jakarta.servlet.ServletException e) {
            accepted.abandon();
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("expected the container to switch protocols, it refused: " + e, e);
        }
    }

    private static void addHeaders(HttpServletResponse response, List<HttpHeader> headers) {
        addHeaders(response, headers, true);
    }

    /**
     * Sets each header, adding rather than replacing when a name repeats (a handful of headers: no set needed);
     * {@code Upgrade} and {@code Connection} only when {@code upgradeHeaders}, else the container sets them
     * ({@link ContainerTraits#setsUpgradeHeaders}).
     */
    private static void addHeaders(HttpServletResponse response, List<HttpHeader> headers, boolean upgradeHeaders) {
        for (int i = 0; i < headers.size(); i++) {
            HttpHeader header = headers.get(i);
            if (!upgradeHeaders && (header.name().equalsIgnoreCase("Upgrade")
                    || header.name().equalsIgnoreCase("Connection"))) {
                continue;
            }
            if (isFirstOfItsName(headers, i)) {
                response.setHeader(header.name(), header.value());
            } else {
                response.addHeader(header.name(), header.value());
            }
        }
    }

    private static boolean isFirstOfItsName(List<HttpHeader> headers, int index) {
        String name = headers.get(index).name();
        for (int i = 0; i < index; i++) {
            if (headers.get(i).name().equalsIgnoreCase(name)) {
                return false;
            }
        }
        return true;
    }
}
