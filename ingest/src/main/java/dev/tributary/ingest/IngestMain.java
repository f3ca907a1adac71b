package dev.tributary.ingest;

/** Runs the ingestion service until the process is stopped. Usage: see bin/ingest. */
public final class IngestMain {

    private IngestMain() {}

    public static void main(String[] args) throws Exception {
        IngestSettings settings;
        java.util.Optional<dev.tributary.ingest.lake.LakeDoorSettings> lake;
        try {
            settings = IngestSettings.from(System.getenv(), args);
            lake = dev.tributary.ingest.lake.LakeDoorSettings.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("ingest: " + e.getMessage());
            System.exit(2);
            return;
        }
        IngestServer server = IngestServer.start(settings, lake);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ingest-shutdown"));
        Thread.currentThread().join();
    }
}
