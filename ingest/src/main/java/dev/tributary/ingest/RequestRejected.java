package dev.tributary.ingest;

/** A request refused as a whole (nothing of it was produced): the HTTP status, a code and a reason. */
public final class RequestRejected extends Exception {

    private final int status;
    private final String code;

    public RequestRejected(int status, String code, String reason) {
        super(reason, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
