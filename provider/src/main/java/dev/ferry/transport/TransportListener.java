package dev.ferry.transport;

/**
 * Callbacks from a {@link Transport} to the connection driver. Each is a one-shot answer to a demand.
 * See {@link Transport} for the thread contract.
 */
public interface TransportListener {

    /** {@link Transport#read} can make progress, or has reached the end of the stream. */
    void onReadable();

    /** {@link Transport#write} can make progress. */
    void onWritable();

    /** The connection failed or was closed under us; no further callbacks follow. */
    void onTransportError(Throwable cause);
}
