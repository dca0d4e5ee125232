package dev.ferry.transport;

import dev.ferry.protocol.Action;
import dev.ferry.protocol.ActionQueue;
import dev.ferry.protocol.WebSocketHandle;
import dev.ferry.protocol.WebSocketProtocolException;

/**
 * One of the handle's two action pipelines (spec R8), as {@link ConnectionDriver}'s loop polls it: whether an action
 * it handed out is still on its way, whether a poll could find anything, and the action a fused call handed back.
 *
 * <h2>Quiet</h2>
 * When the last {@code getAction} on the pipeline found nothing and no call since can have given it work, polling
 * again would find nothing again (the handle changes only when called), so {@link #poll} answers without asking
 * the handle: a locked call saved per turn of the loop. The driver calls {@link #changed()} after every call that can
 * give the pipeline work:
 * <ul>
 *   <li>a call on this pipeline: {@code send}, {@code sendClose} and the send pipeline's completions; {@code receive},
 *       {@code returnAction} and the receive pipeline's completions;</li>
 *   <li>the completion of a {@code SEND_TO_NETWORK} of either pipeline: it frees the wire both share (R5), and the
 *       Close written or a frame's last chunk changes what the receive pipeline may do;</li>
 *   <li>a violation (J2): the failed handle offers its Close to write.</li>
 * </ul>
 *
 * <h2>Fused calls</h2>
 * A completion the loop follows with a poll of the same pipeline is one call
 * ({@link WebSocketHandle#completeAndGetAction}, {@link WebSocketHandle#completeAndReceive}). The driver makes it
 * and {@linkplain #keep keeps} what it hands back, which the next {@link #poll} returns instead of asking the handle.
 * The pipeline's actions come in the same order as without fusing.
 *
 * <p>Thread contract: not thread safe; owned by the driver's loop. It keeps no reference to the handle, which every
 * call that needs it is given: one field less per pipeline of every connection.
 */
final class PipelinePoll {

    private final ActionQueue queue;
    /**
     * An action the pipeline handed out is on its way (a write in the write path, or a read waiting for bytes): the
     * loop does not poll the pipeline until it completes.
     */
    boolean busy;
    private boolean quiet;
    /** What a fused call handed back, for the next {@link #poll}; never {@code NO_ACTION}. */
    private Action next;

    /** @param queue {@code SEND} or {@code RECEIVE} */
    PipelinePoll(ActionQueue queue) {
        this.queue = queue;
    }

    /**
     * The pipeline's next action: the one a fused call handed back, else the handle's; {@code NO_ACTION} when it is
     * quiet or the handle has none.
     *
     * @throws WebSocketProtocolException as {@link WebSocketHandle#getAction} (J2)
     */
    Action poll(WebSocketHandle handle) {
        Action action = next;
        if (action != null) {
            next = null;
            return action;
        }
        if (quiet) {
            return Action.NO_ACTION;
        }
        action = handle.getAction(queue);
        // An action handed out gives the other pipeline no work (taking the wire only holds it back).
        quiet = action instanceof Action.NoAction;
        return action;
    }

    /** Keeps what a fused call on this pipeline handed back; nothing means the call's poll found it quiet. */
    void keep(Action handedBack) {
        next = handedBack instanceof Action.NoAction ? null : handedBack;
        quiet = next == null;
    }

    /** A call that may have given the pipeline work (see "Quiet"). */
    void changed() {
        quiet = false;
    }

    /** Whether a fused call handed back an action that the next {@link #poll} returns. */
    boolean holdsNext() {
        return next != null;
    }

    /** At the end of the connection: cancels the action a fused call handed back, if one waits (spec §3.10). */
    void cancelNext(WebSocketHandle handle) {
        Action waiting = next;
        next = null;
        if (waiting != null) {
            handle.completeAction(waiting, 0);
        }
    }
}
