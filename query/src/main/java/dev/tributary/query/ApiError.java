package dev.tributary.query;

/** An answer other than 200 that the client caused or can act on; its message is safe to show to the client. */
final class ApiError extends RuntimeException {

    private final int status;

    private ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ApiError badRequest(String parameter, String problem) {
        return new ApiError(400, "parameter '" + parameter + "' " + problem);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message);
    }

    static ApiError methodNotAllowed(String method) {
        return new ApiError(405, "method " + method + " not allowed: this API is read-only (GET)");
    }

    static ApiError unavailable(String message) {
        return new ApiError(503, message);
    }

    static ApiError timedOut(String message) {
        return new ApiError(504, message);
    }

    int status() {
        return status;
    }
}
