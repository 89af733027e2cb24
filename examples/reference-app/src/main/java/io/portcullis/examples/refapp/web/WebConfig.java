package io.portcullis.examples.refapp.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Which paths need a token (everything under {@code /v1}, {@code /admin} and {@code /support}, plus the
 * account operations under {@code /auth} that act on the caller), and how handlers receive the
 * {@link Caller} and {@link ClientInfo}.
 */
@Configuration(proxyBeanMethods = false)
public class WebConfig implements WebMvcConfigurer {
    /** The paths {@link BearerAuthInterceptor} guards; the gateway config mirrors this list. */
    public static final List<String> PROTECTED = List.of(
            "/v1/**", "/admin/**", "/support/**", "/auth/logout-all", "/auth/2fa/**", "/auth/keys/rotate");

    private final BearerAuthInterceptor auth;
    private final ClientInfoResolver clients;

    public WebConfig(BearerAuthInterceptor auth, ClientInfoResolver clients) {
        this.auth = auth;
        this.clients = clients;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(auth).addPathPatterns(PROTECTED);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter p) {
                return p.getParameterType() == Caller.class || p.getParameterType() == ClientInfo.class;
            }

            @Override
            public Object resolveArgument(MethodParameter p, ModelAndViewContainer mav, NativeWebRequest web,
                                          WebDataBinderFactory binders) {
                HttpServletRequest request = web.getNativeRequest(HttpServletRequest.class);
                if (p.getParameterType() == ClientInfo.class) {
                    return clients.resolve(request, request.getHeader("X-Device-Id"));
                }
                Object caller = request.getAttribute(BearerAuthInterceptor.CALLER);
                if (caller == null) {
                    throw ApiProblem.of(ApiProblem.Kind.UNAUTHENTICATED);
                }
                return caller;
            }
        });
    }
}
