package dev.ferry.tck;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** A WAR's own servlet, found by annotation scanning; reports what {@link RecordingInitializer} saw. */
@WebServlet("/greeting")
public class GreetingServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object handled = request.getServletContext().getAttribute(RecordingInitializer.HANDLED_TYPES);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().print("hello from " + request.getContextPath() + "; initializer saw "
                + (handled == null ? List.of() : handled));
    }
}
