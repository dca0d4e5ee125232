package dev.ferry.servlet;

import dev.ferry.jakarta.server.UpgradeResult;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * Opens the WebSocket session once the servlet container has switched protocols: the container creates this
 * handler in {@code HttpServletRequest.upgrade}, {@link ServletUpgrade} hands it the accepted handshake, and the
 * container calls {@link #init} with the upgraded connection, which becomes the session's
 * {@link WebConnectionTransport}. The session opens (and {@code onOpen} runs) on the server container's executor,
 * never on the container thread calling {@code init}.
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
    private WebConnectionTransport.ReadResumption resumption;
    private WebConnectionTransport transport;

    /** For the servlet container only. */
    public UpgradeHandler() {
    }

    void prepare(UpgradeResult.Accepted accepted, boolean secure, Executor executor,
                 WebConnectionTransport.ReadResumption resumption) {
        this.accepted = accepted;
        this.secure = secure;
        this.executor = executor;
        this.resumption = resumption;
    }

    @Override
    public void init(WebConnection connection) {
        if (accepted == null) {
            throw new IllegalStateException("expected the accepted handshake before init, got none: "
                    + "the upgrade did not come from Ferry's filter or upgradeHttpToWebSocket");
        }
        try {
            transport = new WebConnectionTransport(connection, secure, executor, resumption);
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
        // Not on this thread: until init returns, a container may not let the connection write (Tomcat
        // dispatches the first onWritePossible after it), and onOpen may block on a send.
        UpgradeResult.Accepted opening = accepted;
        accepted = null; // the container keeps this handler as long as the connection: keep no handshake leftovers
        WebConnectionTransport upgraded = transport;
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
