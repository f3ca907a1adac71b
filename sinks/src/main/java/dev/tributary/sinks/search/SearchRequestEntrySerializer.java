package dev.tributary.sinks.search;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Checkpointed form of buffered entries: the rendered lines, so a restore needs no mapper. */
public final class SearchRequestEntrySerializer extends AsyncSinkWriterStateSerializer<SearchRequestEntry> {

    @Override
    protected void serializeRequestToStream(SearchRequestEntry entry, DataOutputStream out) throws IOException {
        // not writeUTF: ids are bounded by the server (512 bytes), but a mapper may produce longer ones that the
        // server then rejects; a checkpoint must not fail on them first
        writeBytes(out, utf8(entry.index()));
        writeBytes(out, utf8(entry.id()));
        writeBytes(out, entry.actionLine());
        writeBytes(out, entry.sourceLine());
        out.writeBoolean(entry.rejection() != null);
        if (entry.rejection() != null) {
            writeBytes(out, entry.rejection().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.writeInt(entry.documentSize());
        }
    }

    @Override
    protected SearchRequestEntry deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        String index = new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
        String id = new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
        byte[] action = readBytes(in);
        byte[] source = readBytes(in);
        String rejection = null;
        int rejectedSize = 0;
        if (in.readBoolean()) {
            rejection = new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
            rejectedSize = in.readInt();
        }
        return SearchRequestEntry.restore(index, id, action, source, rejection, rejectedSize);
    }

    @Override
    public int getVersion() {
        return 1;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }
}
