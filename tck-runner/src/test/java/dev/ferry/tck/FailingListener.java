package dev.ferry.tck;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/** Makes its web application fail at startup, the way a WebSocket deployment error does. */
@WebListener
public class FailingListener implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        throw new IllegalStateException("deliberate startup failure for the negative-deployment smoke test");
    }
}
