package dev.ferry.protocol;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What {@link WebSocketHandle#endClientHandshake} learned from the server's response.
 *
 * @param selectedSubprotocol  index into the offered subprotocols, empty when the server chose none
 * @param selectedExtensions   indexes into the offered extensions, in the order the server listed them
 * @param negotiatedExtensions the extension elements as the server sent them, same order
 */
public record ClientHandshakeResult(OptionalInt selectedSubprotocol, List<Integer> selectedExtensions,
                                    List<String> negotiatedExtensions) {
    public ClientHandshakeResult {
        Objects.requireNonNull(selectedSubprotocol, "selectedSubprotocol");
        selectedExtensions = List.copyOf(selectedExtensions);
        negotiatedExtensions = List.copyOf(negotiatedExtensions);
    }
}
