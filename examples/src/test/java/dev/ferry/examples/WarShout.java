package dev.ferry.examples;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/** An endpoint that {@link LauncherIT} puts in an exploded war's WEB-INF/classes. */
@ServerEndpoint("/shout")
public class WarShout {
    @OnMessage
    public String shout(String text) {
        return text.toUpperCase(java.util.Locale.ROOT);
    }
}
