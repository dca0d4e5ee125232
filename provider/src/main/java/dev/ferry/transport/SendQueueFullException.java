package dev.ferry.transport;

import java.io.IOException;

/**
 * A send was refused because the connection's outgoing queue already holds its byte limit: the peer reads
 * more slowly than the application writes. Asynchronous senders see it at once; blocking senders see it
 * only when no room appeared within their timeout.
 */
public final class SendQueueFullException extends IOException {

    public SendQueueFullException(long queued, long size, long limit) {
        super("send queue full: " + queued + " bytes are queued and this message has " + size
                + " more; the limit is " + limit + " bytes (the peer is not reading fast enough)");
    }
}
