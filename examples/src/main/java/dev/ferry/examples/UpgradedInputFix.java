package dev.ferry.examples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Works around a Jetty 12.1 (ee11) defect in {@code HttpServletRequest.upgrade}: when the upgrade request has
 * neither {@code Content-Length} nor {@code Transfer-Encoding} (what browsers, Node's {@code ws} and Python's
 * {@code websockets} send; the JDK's client sends {@code Content-Length: 0}), the upgraded connection's input
 * stream reports end of stream at once, because Jetty already considers the request's (empty) content complete,
 * and the peer's first frame is then parsed as a new HTTP request.
 *
 * <p>For a WebSocket upgrade request without a body, this handler lets the request's content come straight from
 * the connection's {@link EndPoint}: {@link Request#read()} fills from it and {@link Request#demand} asks it for
 * readiness. Nothing reads the content of such a request before the upgrade, so the first bytes read are the
 * peer's first frame. When the upgraded connection is over, the handler closes it, as RFC 6455 §7.1.1 asks of a
 * server (Jetty would keep it open for another HTTP request). Every other request passes through untouched. Remove
 * this class when Jetty fixes the upgraded input of body-less requests.
 *
 * <p>Thread contract: as any Jetty handler; the wrapped request is used by one reader at a time.
 */
public final class UpgradedInputFix extends Handler.Wrapper {

    private static final int CHUNK = 16 * 1024;

    public UpgradedInputFix(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!isBodylessWebSocketUpgrade(request)) {
            return super.handle(request, response, callback);
        }
        FromEndPoint upgraded = new FromEndPoint(request);
        return super.handle(upgraded, response, upgraded.closingAfterUpgrade(response, callback));
    }

    private static boolean isBodylessWebSocketUpgrade(Request request) {
        String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")
                && !request.getHeaders().contains(HttpHeader.CONTENT_LENGTH)
                && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /** A request whose content is whatever the connection delivers. */
    private static final class FromEndPoint extends Request.Wrapper {

        private final EndPoint endPoint;

        FromEndPoint(Request request) {
            super(request);
            this.endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        }

        @Override
        public Content.Chunk read() {
            ByteBuffer buffer = BufferUtil.allocate(CHUNK);
            try {
                int n = endPoint.fill(buffer);
                if (n > 0) {
                    return Content.Chunk.from(buffer, false);
                }
                return n == 0 ? null : Content.Chunk.EOF;
            } catch (IOException e) {
                return Content.Chunk.from(e, true);
            }
        }

        /**
         * Completes {@code callback} and then, if the connection was upgraded (101), closes it: once the WebSocket
         * connection is over, the server closes TCP (RFC 6455 §7.1.1), where Jetty would keep it for HTTP.
         */
        Callback closingAfterUpgrade(Response response, Callback callback) {
            return new Callback() {
                @Override
                public void succeeded() {
                    callback.succeeded();
                    closeIfUpgraded();
                }

                @Override
                public void failed(Throwable failure) {
                    callback.failed(failure);
                    closeIfUpgraded();
                }

                private void closeIfUpgraded() {
                    if (response.getStatus() == 101) {
                        endPoint.close();
                    }
                }
            };
        }

        @Override
        public void demand(Runnable demandCallback) {
            endPoint.fillInterested(Callback.from(demandCallback, failure -> demandCallback.run()));
        }
    }
}
