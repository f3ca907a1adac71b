package dev.tributary.operators.telemetry;

import static dev.tributary.operators.telemetry.Fixtures.reading;
import static dev.tributary.operators.telemetry.Fixtures.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.events.HoverboardReading;
import dev.tributary.events.SequenceCursor;

import org.apache.avro.Schema;
import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Adding a field with a default to an Avro state record keeps old savepoints restorable: keyed state written by
 * an older release, whose {@code SequenceCursor} class was generated from {@code state-history/SequenceCursor-v1.avsc}
 * (two fields fewer), restores into the current {@link SequenceOrderer}; the new fields take their defaults and the
 * device's sequence continues where the old release left it.
 *
 * <p>The old release is reproduced faithfully rather than simulated with GenericRecords: the v1 schema is compiled
 * to a real {@code dev.tributary.events.SequenceCursor} class (Avro's SpecificCompiler, then javac) and loaded in a
 * class loader of its own, exactly like an old job jar. Its state snapshot therefore names the same class with the
 * old schema, and Flink's {@code AvroSerializerSnapshot} resolves old (writer) against new (reader) schema on
 * restore, on the heap backend and on RocksDB (which migrates the stored bytes).
 */
@ParameterizedClass
@EnumSource(Fixtures.Backend.class)
class StateSchemaEvolutionTest {

    private static final String DEVICE = "device-1";
    private static final OrderingConfig CONFIG = OrderingConfig.defaults()
            .withMaxHold(Duration.ofSeconds(1)).withStateTtl(Duration.ofDays(1));

    @TempDir
    static Path work;

    private static ClassLoader oldRelease;

    @Parameter
    Fixtures.Backend backend;

    @BeforeAll
    static void compileTheOldRelease() throws Exception {
        Schema v1;
        try (InputStream in = StateSchemaEvolutionTest.class.getResourceAsStream("/state-history/SequenceCursor-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        Path sources = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        SpecificCompiler compiler = new SpecificCompiler(v1);
        compiler.setStringType(GenericData.StringType.String);
        compiler.compileToDestination(null, sources.toFile());

        List<String> javacArgs = new ArrayList<>(List.of("-d", classes.toString(), "-nowarn", "-classpath",
                new File(SpecificRecordBase.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath()));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> javacArgs.add(f.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, javacArgs.toArray(String[]::new))).as("javac of the v1 class").isZero();
        oldRelease = new OldReleaseClassLoader(classes.toUri().toURL(), StateSchemaEvolutionTest.class.getClassLoader());
    }

    @Test
    void aCursorWrittenWithTheOldSchemaRestoresWithDefaultsAndTheSequenceContinues() throws Exception {
        Class<?> oldCursor = oldRelease.loadClass(SequenceCursor.class.getName());
        assertThat(oldCursor).as("the old release's own class").isNotSameAs(SequenceCursor.class);
        assertThat(((Schema) oldCursor.getDeclaredField("SCHEMA$").get(null)).getField("maxReleasedEventTime"))
                .as("the old schema has no maxReleasedEventTime").isNull();

        OperatorSubtaskState oldSnapshot = snapshotOfTheOldRelease(oldCursor);

        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SequenceOrderer(CONFIG)),
                HoverboardReading::getDeviceId, Types.STRING)) {
            Fixtures.forbidGenericTypes(harness);
            harness.setStateBackend(backend.create());
            harness.initializeState(oldSnapshot);
            harness.open();

            KeyedStateBackend<String> state = harness.getOperator().getKeyedStateBackend();
            state.setCurrentKey(DEVICE);
            SequenceCursor restored = state.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    SequenceOrderer.cursorDescriptor(CONFIG)).value();
            assertThat(restored.getNextSeq()).isEqualTo(42L);
            assertThat(restored.getTrackedFrom()).isEqualTo(1L);
            assertThat(restored.getMaxReleasedEventTime()).as("added field: its default").isNull();
            assertThat(restored.getMissing()).as("added field: its default").isEmpty();

            // 42 is next for this device: released at once (a device without state would hold it, 42 > firstSeq)
            harness.processElement(reading(DEVICE, 42), 42);
            harness.processElement(reading(DEVICE, 44), 44);
            assertThat(seqs(harness.extractOutputValues())).containsExactly(42L);
            harness.processElement(reading(DEVICE, 43), 43);
            assertThat(seqs(harness.extractOutputValues())).containsExactly(42L, 43L, 44L);
        }
    }

    /** Runs the old release's cursor state for {@link #DEVICE} in a harness, in the old class loader, and snapshots it. */
    private OperatorSubtaskState snapshotOfTheOldRelease(Class<?> oldCursor) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(oldRelease);
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new OldReleaseCursorWriter(oldCursor)), (String key) -> key, Types.STRING)) {
            Fixtures.forbidGenericTypes(harness);
            harness.setStateBackend(backend.create());
            harness.open();
            harness.processElement(DEVICE, 1);
            return harness.snapshot(1, 1);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** The old release's cursor state: same state name, TTL and key, the v1 class; the device is at seq 42. */
    private static final class OldReleaseCursorWriter extends KeyedProcessFunction<String, String, String> {

        private final Class<?> cursorClass;
        private transient ValueState<SpecificRecordBase> cursor;

        OldReleaseCursorWriter(Class<?> cursorClass) {
            this.cursorClass = cursorClass;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void open(OpenContext openContext) {
            ValueStateDescriptor<SequenceCursor> current = SequenceOrderer.cursorDescriptor(CONFIG);
            ValueStateDescriptor<SpecificRecordBase> old = new ValueStateDescriptor<>(current.getName(),
                    (TypeInformation<SpecificRecordBase>) new AvroTypeInfo(cursorClass));
            old.enableTimeToLive(current.getTtlConfig());
            cursor = getRuntimeContext().getState(old);
        }

        @Override
        public void processElement(String device, Context ctx, Collector<String> out) throws Exception {
            SpecificRecordBase value = (SpecificRecordBase) cursorClass.getDeclaredConstructor().newInstance();
            value.put("nextSeq", 42L);
            value.put("trackedFrom", 1L);
            value.put("heldCount", 0);
            value.put("holdTimer", null);
            cursor.update(value);
        }
    }

    /** An old job jar's view of the event classes: its own generated classes first, the rest from the parent. */
    private static final class OldReleaseClassLoader extends URLClassLoader {

        OldReleaseClassLoader(URL oldClasses, ClassLoader parent) {
            super(new URL[] {oldClasses}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null && name.startsWith("dev.tributary.events.")) {
                    try {
                        loaded = findClass(name);
                    } catch (ClassNotFoundException notInTheOldRelease) {
                        loaded = null;
                    }
                }
                return loaded != null ? loaded : super.loadClass(name, resolve);
            }
        }
    }
}
