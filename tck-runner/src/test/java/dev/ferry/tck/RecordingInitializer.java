package dev.ferry.tck;

import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.annotation.WebServlet;

/**
 * A WAR's own {@link ServletContainerInitializer}, shipped in a {@code WEB-INF/lib} jar: records the simple
 * names of the {@code @WebServlet} classes the container handed it, the same discovery Ferry's initializer
 * relies on for {@code @ServerEndpoint}s.
 */
@HandlesTypes(WebServlet.class)
public class RecordingInitializer implements ServletContainerInitializer {

    static final String HANDLED_TYPES = "dev.ferry.tck.handledTypes";

    @Override
    public void onStartup(Set<Class<?>> handledTypes, ServletContext context) {
        Set<String> names = new TreeSet<>();
        if (handledTypes != null) {
            handledTypes.forEach(type -> names.add(type.getSimpleName()));
        }
        context.setAttribute(HANDLED_TYPES, names);
    }
}
