package dev.tributary.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** What the services' OpenAPI tests share: the operations a description lists, and a port nothing listens on. */
public final class OpenApi {

    private OpenApi() {}

    /** One documented operation: an upper-case HTTP method and a path template. */
    public record Operation(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every operation under {@code paths}, in the description's order. */
    public static List<Operation> operations(JsonNode spec) {
        List<Operation> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> out.add(new Operation(method.toUpperCase(), path.getKey())));
        }
        return out;
    }

    /** A local port that was free a moment ago: a server that is "down" for a test of the unavailable paths. */
    public static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
