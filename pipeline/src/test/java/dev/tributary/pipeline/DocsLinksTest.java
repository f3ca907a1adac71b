package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in the documentation resolves to a file or directory of the checkout: README.md,
 * CONTRIBUTING.md, bench/README.md and docs/**&#47;*.md. Links with a scheme (http, https, mailto, ...) and pure
 * #anchors are not checked; a #fragment is stripped before the file is looked up (anchors themselves are not
 * checked). Links inside fenced code blocks and code spans are not links and are ignored.
 */
class DocsLinksTest {

    /** Inline links and images: [text](target "title") and ![alt](target). */
    private static final Pattern INLINE = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]\\(\\s*(<[^>]*>|[^)\\s]+)(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** Reference definitions: [id]: target. */
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*(<[^>]*>|\\S+)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    record Link(int line, String target) {
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        Path root = StackEnv.repoRoot();
        List<Path> files = documents(root);
        assertThat(files).as("the documents to check").contains(root.resolve("README.md"), root.resolve("docs/operations.md"));

        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (Link link : links(lines)) {
                String path = pathOf(link.target());
                if (path == null) {
                    continue;
                }
                checked++;
                Path resolved = path.startsWith("/") ? root.resolve(path.substring(1)) : file.getParent().resolve(path);
                if (!Files.exists(resolved.normalize())) {
                    broken.add(root.relativize(file) + ":" + link.line() + " -> " + link.target());
                }
            }
        }
        assertThat(checked).as("relative links found (a parser that finds none checks nothing)").isGreaterThan(20);
        assertThat(broken)
                .withFailMessage("%d broken relative link(s):%n  %s", broken.size(), String.join("\n  ", broken))
                .isEmpty();
    }

    @Test
    void findsLinksTheWayMarkdownDoes() {
        List<Link> links = links(List.of(
                "See [the ops page](docs/operations.md#deploy) and ![graph](docs/job-graph.svg \"the graph\").",
                "[`bench/README.md`](../bench/README.md), [web](https://example.org), [top](#top), <mailto:a@b.c>",
                "`[not a link](nowhere.md)` in a code span, [a [nested] text](x/y.md)",
                "```",
                "[inside a fence](fenced.md)",
                "```",
                "[ref]: CONTRIBUTING.md"));
        assertThat(links).extracting(Link::target).containsExactly(
                "docs/operations.md#deploy", "docs/job-graph.svg", "../bench/README.md", "https://example.org", "#top",
                "x/y.md", "CONTRIBUTING.md");
        assertThat(links).extracting(Link::line).containsExactly(1, 1, 2, 2, 2, 3, 7);
        assertThat(pathOf("docs/operations.md#deploy")).isEqualTo("docs/operations.md");
        assertThat(pathOf("https://example.org")).isNull();
        assertThat(pathOf("mailto:a@b.c")).isNull();
        assertThat(pathOf("#top")).isNull();
        assertThat(pathOf("<my%20file.md>")).isEqualTo("my file.md");
    }

    private static List<Path> documents(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : List.of("README.md", "CONTRIBUTING.md", "bench/README.md")) {
            Path file = root.resolve(name);
            assertThat(file).as(name).isRegularFile();
            files.add(file);
        }
        Path docs = root.resolve("docs");
        assertThat(docs).as("docs/").isDirectory();
        try (Stream<Path> walk = Files.walk(docs)) {
            walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    /** The link targets of a Markdown document with their (1-based) line numbers, outside code. */
    static List<Link> links(List<String> lines) {
        List<Link> links = new ArrayList<>();
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (fence != null) {
                if (trimmed.startsWith(fence)) {
                    fence = null;
                }
                continue;
            }
            if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                fence = trimmed.substring(0, 3);
                continue;
            }
            String text = CODE_SPAN.matcher(line).replaceAll("code");
            Matcher reference = REFERENCE.matcher(text);
            if (reference.find()) {
                links.add(new Link(i + 1, reference.group(1)));
                continue;
            }
            Matcher inline = INLINE.matcher(text);
            while (inline.find()) {
                links.add(new Link(i + 1, inline.group(1)));
            }
        }
        return links;
    }

    /** The file part of a relative link (fragment stripped, URL-decoded), or null when there is none to check. */
    static String pathOf(String target) {
        String t = target.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1).strip();
        }
        if (t.isEmpty() || t.startsWith("#") || SCHEME.matcher(t).find()) {
            return null;
        }
        int hash = t.indexOf('#');
        if (hash >= 0) {
            t = t.substring(0, hash);
        }
        int query = t.indexOf('?');
        if (query >= 0) {
            t = t.substring(0, query);
        }
        return t.isEmpty() ? null : URLDecoder.decode(t.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
