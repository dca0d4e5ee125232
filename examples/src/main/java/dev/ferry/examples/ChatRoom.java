package dev.ferry.examples;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * One chat room: every text message a member sends goes to every open member, the sender included,
 * and the room announces arrivals and departures. The room is the set of open sessions of this
 * endpoint ({@link Session#getOpenSessions()}), so the class keeps no state of its own.
 *
 * <p>Sends are asynchronous, so a member who stops reading delays nobody else; what the container
 * queues for such a member is bounded by its outgoing queue limit.
 *
 * <p>Thread contract: one instance per connection; the container delivers its events one at a time,
 * while several members' broadcasts may run at once.
 */
@ServerEndpoint("/chat")
public class ChatRoom {

    /** Longer chat lines close the session with 1009 (RFC 6455 §7.4.1). */
    public static final int MAX_LINE = 64 * 1024;

    @OnOpen
    public void join(Session member) {
        broadcast(member, "* someone joined; " + member.getOpenSessions().size() + " here");
    }

    @OnMessage(maxMessageSize = MAX_LINE)
    public void say(Session member, String line) {
        broadcast(member, line);
    }

    @OnClose
    public void leave(Session member, CloseReason reason) {
        broadcast(member, "* someone left");
    }

    private static void broadcast(Session from, String line) {
        for (Session member : from.getOpenSessions()) {
            if (member.isOpen()) {
                member.getAsyncRemote().sendText(line);
            }
        }
    }
}
