package dev.sori.web;

import dev.sori.Version;
import dev.sori.chat.Hub;
import dev.sori.http.OriginRule;
import dev.sori.http.Routes;
import dev.sori.bootstrap.ChatNode;
import dev.sori.store.Storage;
import dev.sori.websocket.ClientAddresses;
import dev.sori.websocket.CurrentHub;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.EnumSet;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Starts and stops the chat when Sori runs as a WAR in an application server. The container
 * finds {@code ChatEndpoint} itself; this only gives it a hub. The container calls
 * {@link #contextInitialized} before the application serves any request, WebSocket upgrades
 * included, so the hub is installed before the first connection; {@link #contextDestroyed}
 * runs on undeploy (and on a server's orderly shutdown) and closes every connection with 1001.
 *
 * <p>Settings come from system properties and environment variables: see {@link WebAppSettings}.
 * An invalid setting fails the deployment.
 */
@WebListener
public class SoriWebApp implements ServletContextListener {
    private static final System.Logger LOG = System.getLogger(SoriWebApp.class.getName());

    private Hub hub;
    private RouteServlet routeServlet;
    private ChatNode node;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        WebAppSettings settings = WebAppSettings.fromSystem();
        node = ChatNode.start(settings.chat(), settings.cluster(), shared -> openStorage(settings, shared),
                settings.store().poolSize() - 1, Version.get());
        hub = node.hub();
        CurrentHub.install(hub);
        ClientAddresses.trust(settings.trustedProxies());
        ServletContext context = event.getServletContext();
        context.setAttribute(Hub.class.getName(), hub);
        // First in the chain (isMatchAfter = false): ahead of the container's own WebSocket upgrade
        // filter, the routes and the default servlet (the page): the origin rule guards every path.
        FilterRegistration.Dynamic originCheck = context.addFilter("sori-origin-check",
                new OriginFilter(new OriginRule(settings.origins())));
        originCheck.setAsyncSupported(true); // a route may keep its response open (HttpExchange.keepOpen)
        originCheck.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        Routes routes = Routes.standard(hub, Version.get(), node::clusterStatus, node::notReadyBecause, node.media(),
                node.metrics(), settings.metricsToken())
                .withApi(hub, settings.apiKeys(), node.media());
        routeServlet = new RouteServlet(routes);
        ServletRegistration.Dynamic servlet = context.addServlet("sori-routes", routeServlet);
        servlet.setAsyncSupported(true);
        servlet.addMapping(routes.list().stream()
                .map(route -> route.prefix() ? route.path() + "*" : route.path()).toArray(String[]::new));
        LOG.log(Level.INFO, "Sori {0} started at context path \"{1}\"; settings: {2}",
                Version.get(), event.getServletContext().getContextPath(),
                settings.sources().isEmpty() ? "defaults" : String.join(", ", settings.sources()));
    }

    /** The container's data source when one is named (the application server's way), else Sori's own pool. */
    private static Storage openStorage(WebAppSettings settings, boolean shared) {
        if (settings.dataSource() == null) {
            return shared ? Storage.openShared(settings.store()) : Storage.open(settings.store());
        }
        DataSource dataSource;
        try {
            dataSource = (DataSource) new InitialContext().lookup(settings.dataSource());
        } catch (NamingException | ClassCastException e) {
            throw new IllegalStateException("no data source at JNDI name " + settings.dataSource(), e);
        }
        return Storage.open(dataSource, settings.dataSource(), settings.store(), Clock.systemUTC(), shared);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (hub == null) {
            return;
        }
        event.getServletContext().removeAttribute(Hub.class.getName());
        routeServlet.stop();
        CurrentHub.uninstall(hub);
        node.close(); // every accepted message is committed (or failed) before the undeploy ends
        LOG.log(Level.INFO, "Sori stopped at context path \"{0}\"", event.getServletContext().getContextPath());
    }
}
