package dev.tributary.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a phase's CPU went: the whole machine's busy time (from {@code /proc/stat}) and this JVM's, so a reader can
 * tell a phase that waited on a server from one that ran out of cores. With the servers on the same machine, the
 * machine's busy time minus this JVM's is what the servers (and anything else running) used.
 */
final class CpuMeter {

    /** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every kernel built for x86_64 and arm64. */
    private static final double TICKS_PER_SECOND = 100.0;

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long startNanos = System.nanoTime();
    private final double machineStart = machineBusySeconds();
    private final long processStart = OS.getProcessCpuTime();

    /** One line: wall time, machine busy CPU-seconds of its capacity, this JVM's CPU-seconds. */
    String report() {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double machine = machineBusySeconds() - machineStart;
        double process = (OS.getProcessCpuTime() - processStart) / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(Locale.ROOT, "%.1f s wall; machine busy %.1f of %.1f CPU-s (%.0f %%); this JVM %.1f CPU-s,"
                        + " servers and the rest %.1f CPU-s", wall, machine, wall * cores, 100 * machine / (wall * cores),
                process, machine - process);
    }

    private static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The 1, 5 and 15 minute load averages and the core count, so a reader can judge how noisy the machine was. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
