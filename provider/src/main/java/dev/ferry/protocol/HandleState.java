package dev.ferry.protocol;

/**
 * The lifecycle of a {@link WebSocketHandle} (spec §1.1, plus {@code FAILED} from J2).
 *
 * <pre>
 * CREATED --begin*Handshake--> HANDSHAKING --end*Handshake--> OPEN
 * OPEN --our Close written--> CLOSE_SENT --peer's Close received--> CLOSED
 * OPEN --peer's Close received--> CLOSE_RECEIVED --our Close written--> CLOSED
 * any open state --peer violates the protocol--> FAILED
 * any state --abort()--> ABORTED;  any state --close()--> DELETED
 * </pre>
 */
public enum HandleState {
    CREATED, HANDSHAKING, OPEN, CLOSE_SENT, CLOSE_RECEIVED, CLOSED, FAILED, ABORTED, DELETED
}
