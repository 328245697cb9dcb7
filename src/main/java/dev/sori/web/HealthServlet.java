package dev.sori.web;

import dev.sori.Version;
import dev.sori.chat.Hub;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /healthz} in the WAR. */
@WebServlet("/healthz")
public class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Hub hub = (Hub) getServletContext().getAttribute(Hub.class.getName());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (hub == null) { // undeploying: the listener has already closed the chat
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.getWriter().write("{\"status\":\"stopping\"}");
            return;
        }
        response.getWriter().write(Health.json(hub, Version.get()));
    }
}
