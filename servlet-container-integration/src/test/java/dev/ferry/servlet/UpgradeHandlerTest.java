package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ferry.jakarta.server.JakartaServerContainer;
import dev.ferry.jakarta.server.UpgradeRequest;
import dev.ferry.jakarta.server.UpgradeResult;
import dev.ferry.protocol.HttpHeader;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.WebConnection;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link UpgradeHandler#init} asks of the upgraded request: on Jetty, which runs the upgraded connection as an
 * asynchronous request and ends it when that request's asynchronous timeout (30 s by default) passes, traffic or not,
 * the timeout is turned off; Tomcat's request, recycled by then, is not asked at all. The connection here refuses its
 * streams, so no session opens; what matters is what happened to the request before.
 */
class UpgradeHandlerTest {

    @ServerEndpoint("/echo")
    public static final class Echo {
        @OnMessage
        public String echo(String message) {
            return message;
        }
    }

    private final JakartaServerContainer container = new JakartaServerContainer();
    /** The request methods called, and the asynchronous timeouts set, in order. */
    private final List<String> asked = new ArrayList<>();

    @AfterEach
    void shutDown() {
        container.shutdown();
    }

    @Test
    void onJettyTheUpgradedRequestLosesItsAsynchronousTimeout() throws Exception {
        UpgradeHandler handler = new UpgradeHandler();
        handler.prepare(accepted(), request(), Runnable::run, ContainerTraits.JETTY);
        handler.init(refusingConnection());
        assertEquals(List.of("isSecure", "getAttribute", "getAttribute", "isAsyncStarted", "getAsyncContext",
                "setTimeout 0"), asked);
    }

    @Test
    void onTomcatTheRecycledRequestIsNotAskedInInit() throws Exception {
        UpgradeHandler handler = new UpgradeHandler();
        handler.prepare(accepted(), request(), Runnable::run, ContainerTraits.TOMCAT);
        handler.init(refusingConnection());
        assertEquals(List.of("isSecure", "getAttribute", "getAttribute"), asked, "nothing asked in init");
    }

    @Test
    void aRequestThatCannotTellDoesNotStopInit() throws Exception {
        UpgradeHandler handler = new UpgradeHandler();
        HttpServletRequest refusing = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    asked.add(method.getName());
                    if (method.getName().equals("isSecure") || method.getName().equals("getAttribute")) {
                        return method.getName().equals("isSecure") ? false : null;
                    }
                    throw new IllegalStateException("recycled");
                });
        handler.prepare(accepted(), refusing, Runnable::run, ContainerTraits.JETTY);
        handler.init(refusingConnection()); // no exception: init goes on to take over the connection
        assertEquals(List.of("isSecure", "getAttribute", "getAttribute", "isAsyncStarted"), asked);
    }

    private UpgradeResult.Accepted accepted() throws DeploymentException {
        container.addEndpoint(Echo.class);
        UpgradeRequest request = UpgradeRequest.get(URI.create("/echo")).headers(List.of(
                new HttpHeader("Host", "127.0.0.1"),
                new HttpHeader("Upgrade", "websocket"),
                new HttpHeader("Connection", "Upgrade"),
                new HttpHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                new HttpHeader("Sec-WebSocket-Version", "13"))).build();
        return assertInstanceOf(UpgradeResult.Accepted.class, container.upgrade(request));
    }

    /** A request in asynchronous mode, as Jetty's is during {@code init}; records what it is asked. */
    private HttpServletRequest request() {
        AsyncContext async = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setTimeout")) {
                        asked.add("setTimeout " + args[0]);
                        return null;
                    }
                    throw new AssertionError("expected only setTimeout on the AsyncContext, got " + method.getName());
                });
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    asked.add(method.getName());
                    return switch (method.getName()) {
                        case "isSecure" -> false;
                        case "getAttribute" -> null; // no ConnectionInput or ConnectionOutput: the servlet streams
                        case "isAsyncStarted" -> true;
                        case "getAsyncContext" -> async;
                        default -> throw new AssertionError("unexpected call " + method.getName());
                    };
                });
    }

    /** A connection whose streams cannot be had: init gives up before the session opens. */
    private static WebConnection refusingConnection() {
        return (WebConnection) Proxy.newProxyInstance(UpgradeHandlerTest.class.getClassLoader(),
                new Class<?>[] {WebConnection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    throw new IOException("no streams in this test");
                });
    }
}
