package dev.ferry.tck;

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
 * Harness workaround for a Jetty 12.1 (EE 11) defect in {@code HttpServletRequest.upgrade}: when an upgrade
 * request carries neither {@code Content-Length} nor {@code Transfer-Encoding} (Ferry's client, like browsers,
 * sends neither), the upgraded connection's input ends at once because Jetty considers the empty request body
 * complete, and the client's first frame is parsed as a new HTTP request. The client then reads Jetty's HTTP
 * error response as a WebSocket frame.
 *
 * <p>For such a request this handler serves the request content straight from the connection's
 * {@link EndPoint}, so that after the upgrade the first bytes read are the peer's first frame. Every other
 * request passes through untouched. The same workaround lives in the servlet module's Jetty test fixture;
 * remove both when Jetty fixes the upgraded input of body-less requests.
 *
 * <p>Thread contract: as any Jetty handler; a wrapped request is read by one reader at a time.
 */
final class UpgradedInputFix extends Handler.Wrapper {

    private static final int CHUNK = 16 * 1024;

    UpgradedInputFix(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Request effective = isBodylessWebSocketUpgrade(request) ? new FromEndPoint(request) : request;
        return super.handle(effective, response, callback);
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
                int filled = endPoint.fill(buffer);
                if (filled > 0) {
                    return Content.Chunk.from(buffer, false);
                }
                return filled == 0 ? null : Content.Chunk.EOF;
            } catch (IOException e) {
                return Content.Chunk.from(e, true);
            }
        }

        @Override
        public void demand(Runnable demandCallback) {
            endPoint.fillInterested(Callback.from(demandCallback, failure -> demandCallback.run()));
        }
    }
}
