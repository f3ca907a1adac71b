package dev.tributary.sinks.search;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * How the sink authenticates. Only the NAMES of environment variables travel with the job graph; the
 * secrets are read on the task manager when the writer opens, so they never appear in the job graph, a
 * savepoint, a log line or a toString.
 */
public sealed interface SearchAuth extends Serializable {

    /** The {@code Authorization} header value, or null for no authentication. */
    String authorizationHeader(UnaryOperator<String> environment);

    static SearchAuth none() {
        return new None();
    }

    static SearchAuth basicFromEnv(String userVariable, String passwordVariable) {
        return new Basic(userVariable, passwordVariable);
    }

    static SearchAuth apiKeyFromEnv(String apiKeyVariable) {
        return new ApiKey(apiKeyVariable);
    }

    record None() implements SearchAuth {
        @Override
        public String authorizationHeader(UnaryOperator<String> environment) {
            return null;
        }
    }

    /** HTTP basic authentication (Elasticsearch native realm, OpenSearch internal users). */
    record Basic(String userVariable, String passwordVariable) implements SearchAuth {
        @Override
        public String authorizationHeader(UnaryOperator<String> environment) {
            String user = required(environment, userVariable);
            String password = required(environment, passwordVariable);
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Elasticsearch API key: the variable holds the encoded key (base64 of {@code id:api_key}) as Kibana shows it. */
    record ApiKey(String apiKeyVariable) implements SearchAuth {
        @Override
        public String authorizationHeader(UnaryOperator<String> environment) {
            return "ApiKey " + required(environment, apiKeyVariable);
        }
    }

    private static String required(UnaryOperator<String> environment, String variable) {
        String value = environment.apply(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("environment variable " + variable + " for the search sink's credentials is not set");
        }
        return value;
    }
}
