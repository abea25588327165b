package io.kafkalite.api;

/**
 * Sees every decoded request before its handler does, on the broker loop thread. Test control's fault injection
 * is one: it answers a request with an error, drops it, holds it, or hands the handler a request whose response is
 * delayed, throttled or replaced by a closed connection. Keeping this in one place means no handler knows about
 * faults beyond {@link ApiRequest#injectedError}.
 */
@FunctionalInterface
public interface RequestInterceptor {

    /** Lets every request through unchanged. */
    RequestInterceptor NONE = request -> request;

    /**
     * Returns the request the handler should serve (this one, or one answered through another sink or carrying
     * injected partition errors), or null when the interceptor answered, dropped or held it itself.
     */
    ApiRequest intercept(ApiRequest request);
}
