package dev.sori.web;

import dev.sori.Version;
import dev.sori.chat.ChatSettings;
import dev.sori.chat.Hub;
import dev.sori.websocket.CurrentHub;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Starts and stops the chat when Sori runs as a WAR in an application server. The container
 * finds {@code ChatEndpoint} itself; this only gives it a hub.
 */
@WebListener
public class SoriWebApp implements ServletContextListener {
    private static final System.Logger LOG = System.getLogger(SoriWebApp.class.getName());

    private Hub hub;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        hub = new Hub(ChatSettings.defaults(), Version.get());
        CurrentHub.install(hub);
        event.getServletContext().setAttribute(Hub.class.getName(), hub);
        LOG.log(System.Logger.Level.INFO, "Sori {0} started at context path \"{1}\"",
                Version.get(), event.getServletContext().getContextPath());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        CurrentHub.uninstall(hub);
        hub.close();
    }
}
