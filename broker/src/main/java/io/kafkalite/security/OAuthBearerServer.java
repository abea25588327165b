package io.kafkalite.security;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.security.sasl.SaslException;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SASL/OAUTHBEARER (RFC 7628) with the semantics of Kafka's unsecured-JWT validator
 * ({@code OAuthBearerUnsecuredValidatorCallbackHandler}): the token's header says {@code "alg":"none"}, the principal
 * claim ({@code sub} unless {@code unsecuredValidatorPrincipalClaimName} says otherwise) is a string, {@code exp} is a
 * number in the future, {@code iat} (if present) is not in the future and before {@code exp}, and the scope claim holds
 * every {@code unsecuredValidatorRequiredScope}, all within {@code unsecuredValidatorAllowableClockSkewMs}. A token that
 * fails gets the RFC's JSON error as a challenge; the client's {@code %x01} reply then fails with that JSON as the
 * message, as Kafka does. Suitable for tests only, like Kafka's own unsecured validator.
 */
final class OAuthBearerServer implements SaslMechanismServer {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthBearerServer.class);
    private static final String SEPARATOR = "\u0001";
    private static final Pattern INITIAL_RESPONSE = Pattern.compile(
            "n,(a=(?<authzid>(?:[\\x01-\\x7F&&[^=,]]|=2C|=3D)+))?,\u0001(?<pairs>([A-Za-z]+=[\\x21-\\x7E \t\r\n]+\u0001)*)\u0001");
    private static final Pattern AUTH = Pattern.compile("(?<scheme>\\w+) +(?<token>[-_~+/.a-zA-Z0-9]+=*)");

    private final OAuthBearerSettings settings;
    private final LongSupplier clock;
    private String errorMessage;
    private String principal;

    OAuthBearerServer(OAuthBearerSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public byte[] evaluate(byte[] response) throws SaslException {
        if (response.length == 1 && response[0] == 1 && errorMessage != null) {
            throw new SaslAuthenticationException(errorMessage);
        }
        errorMessage = null;
        Matcher m = INITIAL_RESPONSE.matcher(new String(response, StandardCharsets.UTF_8));
        if (!m.matches()) {
            throw new SaslException("Invalid OAUTHBEARER client first message");
        }
        String token = null;
        for (String pair : m.group("pairs").split(SEPARATOR)) {
            if (pair.startsWith("auth=")) {
                Matcher auth = AUTH.matcher(pair.substring("auth=".length()));
                if (!auth.matches() || !auth.group("scheme").equalsIgnoreCase("bearer")) {
                    throw new SaslException("Invalid OAUTHBEARER client first message: invalid 'auth' format");
                }
                token = auth.group("token");
            }
        }
        if (token == null) {
            throw new SaslException("Invalid OAUTHBEARER client first message: 'auth' not specified");
        }
        String failure = validate(token);
        if (failure != null) {
            return failure.getBytes(StandardCharsets.UTF_8);
        }
        String authzid = m.group("authzid");
        if (authzid != null && !authzid.equals(principal)) {
            String tokenPrincipal = principal;
            principal = null;
            throw new SaslAuthenticationException(String.format("Authentication failed: Client requested an "
                    + "authorization id (%s) that is different from the token's principal name (%s)", authzid, tokenPrincipal));
        }
        return new byte[0];
    }

    /** Null when the token is valid (and {@link #principal} set), else the JSON error challenge. */
    private String validate(String token) {
        Map<String, Object> claims;
        try {
            String[] parts = token.split("\\.", -1);
            if (parts.length != 3 || !parts[2].isEmpty()) {
                return invalid("an unsecured JWS has three parts, the last one empty");
            }
            Map<String, Object> header = JsonReader.readObject(decode(parts[0]));
            if (!"none".equals(header.get("alg"))) {
                return invalid("Unsecured JWS must have 'none' for an algorithm");
            }
            claims = JsonReader.readObject(decode(parts[1]));
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        long now = clock.getAsLong();
        long skew = settings.allowableClockSkewMs();
        if (!(claims.get(settings.principalClaimName()) instanceof String name) || name.isBlank()) {
            return invalid("Required claim missing or not a string: " + settings.principalClaimName());
        }
        if (!(claims.get("exp") instanceof Double exp)) {
            return invalid("Required claim missing or not a number: exp");
        }
        if (now - skew >= 1000 * exp) {
            return invalid("The token expired");
        }
        Object iat = claims.get("iat");
        if (iat != null && (!(iat instanceof Double issued) || 1000 * issued > now + skew || exp <= issued)) {
            return invalid("The Issued At claim is not a number before both now and the Expiration Time");
        }
        Set<String> scope = scope(claims.get(settings.scopeClaimName()));
        for (String required : settings.requiredScope()) {
            if (!scope.contains(required)) {
                errorMessage = "{\"status\":\"insufficient_scope\", \"scope\":\"" + settings.requiredScope() + "\"}";
                return errorMessage;
            }
        }
        principal = name;
        return null;
    }

    private String invalid(String reason) {
        LOG.info("OAUTHBEARER token rejected: {}", reason);
        errorMessage = "{\"status\":\"invalid_token\"}";
        return errorMessage;
    }

    private static Set<String> scope(Object claim) {
        Set<String> scope = new LinkedHashSet<>();
        if (claim instanceof String text) {
            scope.addAll(Arrays.asList(text.trim().split(" +")));
        } else if (claim instanceof List<?> list) {
            list.forEach(s -> scope.add(String.valueOf(s)));
        }
        return scope;
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    @Override
    public boolean isComplete() {
        return principal != null;
    }

    @Override
    public String authorizationId() {
        return principal;
    }

    /** The validator's JAAS options ({@code unsecuredValidator...}) of the listener's OAUTHBEARER entry. */
    record OAuthBearerSettings(String principalClaimName, String scopeClaimName, List<String> requiredScope,
                               long allowableClockSkewMs) {

        static OAuthBearerSettings from(Map<String, ?> options) {
            String principalClaim = option(options, "unsecuredValidatorPrincipalClaimName", "sub");
            String scopeClaim = option(options, "unsecuredValidatorScopeClaimName", "scope");
            String required = option(options, "unsecuredValidatorRequiredScope", "");
            String skew = option(options, "unsecuredValidatorAllowableClockSkewMs", "0");
            long skewMs;
            try {
                skewMs = Long.parseLong(skew);
            } catch (NumberFormatException e) {
                skewMs = -1;
            }
            if (skewMs < 0) {
                throw new IllegalArgumentException("unsecuredValidatorAllowableClockSkewMs must be a non-negative number, got '"
                        + skew + "'");
            }
            return new OAuthBearerSettings(principalClaim, scopeClaim,
                    required.isBlank() ? List.of() : List.of(required.trim().split(" +")), skewMs);
        }

        private static String option(Map<String, ?> options, String name, String defaultValue) {
            Object value = options.get(name);
            return value == null || value.toString().isBlank() ? defaultValue : value.toString().trim();
        }
    }
}
