package dev.ferry.servlet;

import dev.ferry.jakarta.server.UpgradeResult;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * Opens the WebSocket session once the servlet container has switched protocols: the container creates this
 * handler in {@code HttpServletRequest.upgrade}, {@link ServletUpgrade} hands it the accepted handshake, and the
 * container calls {@link #init} with the upgraded connection, which becomes the session's
 * {@link WebConnectionTransport}. On Jetty, whose upgraded connection may be written to while {@code init} runs, the
 * session opens and {@code onOpen} runs right there, with no thread hand-off, as Jetty's and Tomcat's own WebSocket
 * implementations do; since Jetty calls back when the connection is writable again only after {@code init} returns,
 * a blocking send from {@code onOpen} then returns once its frame is queued, as one from a message handler on the
 * connection's thread does ({@link UpgradeResult.Accepted#openOnTransportThread}). Elsewhere the session opens on
 * the server container's executor: Tomcat lets the connection write only after {@code init} returns.
 *
 * <p>Jetty runs an upgraded connection as an asynchronous request of the servlet, and ends it when that request's
 * asynchronous timeout passes (30 s by default), whatever the connection does meanwhile: {@code init} turns that
 * timeout off, so the connection lasts as long as the WebSocket session does (its own idle timeout and close decide).
 *
 * <p>Thread contract: {@link #prepare} runs on the request's thread before the container calls {@link #init};
 * {@link #destroy} comes after, once. Public with a public no-argument constructor because the container
 * instantiates it.
 */
public final class UpgradeHandler implements HttpUpgradeHandler {

    private static final System.Logger LOG = System.getLogger(UpgradeHandler.class.getName());

    private UpgradeResult.Accepted accepted;
    private boolean secure;
    private Executor executor;
    private ContainerTraits traits;
    /** The upgraded request, kept until {@code init} only on a container that runs it asynchronously (Jetty). */
    private HttpServletRequest asyncRequest;
    /**
     * The connection's bytes as the container's adapter hands them over, with callbacks in the application's scope, or
     * null: the servlet input stream is read.
     */
    private ConnectionInput input;
    /** The stream that writes the connection straight, from the container's adapter, or null: the upgraded output. */
    private ServletOutputStream output;
    private WebConnectionTransport transport;

    /** For the servlet container only. */
    public UpgradeHandler() {
    }

    /**
     * @param request the request being upgraded, on the request's thread
     * @param traits  what the container does beyond the servlet API: whether the session opens in {@code init},
     *                whether the request runs asynchronously, how reading resumes and what its close does with the
     *                last write
     */
    void prepare(UpgradeResult.Accepted accepted, HttpServletRequest request, Executor executor,
                 ContainerTraits traits) {
        this.accepted = accepted;
        this.secure = request.isSecure();
        this.executor = executor;
        this.traits = traits;
        this.asyncRequest = traits.runsAsynchronously() ? request : null;
        // On the request's thread, in the web application's scope: its class loader is what the callbacks get.
        this.input = request.getAttribute(ConnectionInput.ATTRIBUTE) instanceof ConnectionInput given
                ? new ScopedConnectionInput(given, Thread.currentThread().getContextClassLoader()) : null;
        this.output = request.getAttribute(ConnectionOutput.ATTRIBUTE) instanceof ConnectionOutput given
                ? given.stream() : null;
    }

    @Override
    public void init(WebConnection connection) {
        if (accepted == null) {
            throw new IllegalStateException("expected the accepted handshake before init, got none: "
                    + "the upgrade did not come from Ferry's filter or upgradeHttpToWebSocket");
        }
        if (asyncRequest != null) {
            HttpServletRequest request = asyncRequest;
            asyncRequest = null;
            try {
                if (request.isAsyncStarted()) {
                    request.getAsyncContext().setTimeout(0); // no timeout: the session ends the connection
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not turn off the asynchronous timeout of the upgraded "
                        + "request " + accepted.request().requestUri() + "; the container may end the connection "
                        + "when it passes", e);
            }
        }
        try {
            transport = new WebConnectionTransport(connection, input, output, secure, executor, traits,
                    accepted.container().scheduler(), accepted.container().driverSettings().closeTimeout());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not take over the upgraded connection of "
                    + accepted.request().requestUri() + "; the session is not opened", e);
            accepted.abandon();
            try {
                connection.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            return;
        }
        UpgradeResult.Accepted opening = accepted;
        accepted = null; // the container keeps this handler as long as the connection: keep no handshake leftovers
        WebConnectionTransport upgraded = transport;
        if (traits.opensInInit()) {
            try {
                opening.openOnTransportThread(upgraded);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not open the session of "
                        + opening.request().requestUri(), e);
                upgraded.close();
            }
            return;
        }
        // Not on this thread: until init returns, Tomcat does not let the connection write, and onOpen may wait
        // for a write.
        try {
            opening.container().executor().execute(() -> opening.open(upgraded));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not open the session of "
                    + opening.request().requestUri() + ": its executor refused", e);
            opening.abandon();
            upgraded.close();
        }
    }

    @Override
    public void destroy() {
        if (transport != null) {
            transport.destroyed();
        }
    }
}
