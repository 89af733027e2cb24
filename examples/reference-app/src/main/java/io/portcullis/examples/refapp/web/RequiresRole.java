package io.portcullis.examples.refapp.web;

import io.portcullis.examples.refapp.users.Role;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A handler (or every handler of a controller) that needs one of these roles; checked by {@link BearerAuthInterceptor}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresRole {
    Role[] value();
}
