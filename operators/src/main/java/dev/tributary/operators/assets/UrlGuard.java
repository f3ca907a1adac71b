package dev.tributary.operators.assets;

import java.io.Serializable;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Server-side request forgery guard for URLs that come from input records: only http and https, and the host's
 * addresses (resolved here, every one of them) must be public unless the host is allow-listed or private networks
 * are allowed. Refuses loopback, private (RFC 1918, unique-local), link-local (which includes the cloud metadata
 * address 169.254.169.254), carrier-grade NAT, multicast and unspecified addresses. Redirects are re-checked hop
 * by hop by the caller.
 *
 * <p>A check that resolves a name and a connection that resolves it again can be told apart by a DNS server that
 * answers differently the second time (rebinding). So the downloader's HTTP client resolves through
 * {@link #addresses(String)} when it connects: the addresses it connects to are the ones checked here, in the same
 * lookup.
 */
public final class UrlGuard implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Longest URL accepted, announced or redirected to: what browsers and CDNs reliably handle, and small enough to
     * keep every record that carries a URL (an asset's state, a dead letter, a catalog entry) small.
     */
    public static final int MAX_URL_LENGTH = 2048;

    /** Looks up a host's addresses; the JDK resolver in production, a table in tests. */
    @FunctionalInterface
    public interface Resolver extends Serializable {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Why a URL was refused. */
    public static final class RefusedUrlException extends Exception {
        public RefusedUrlException(String message) {
            super(message);
        }
    }

    private final Set<String> allowedHosts;
    private final boolean allowPrivateNetworks;
    private final Resolver resolver;

    public UrlGuard(List<String> allowedHosts, boolean allowPrivateNetworks, Resolver resolver) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
    }

    public static UrlGuard withSystemResolver(List<String> allowedHosts, boolean allowPrivateNetworks) {
        return new UrlGuard(allowedHosts, allowPrivateNetworks, InetAddress::getAllByName);
    }

    /** Checks the URL and the addresses its host resolves to now; blocks on DNS, so call it off the task thread. */
    public void check(URI uri) throws RefusedUrlException {
        addresses(checkUrl(uri));
    }

    /** Checks the URL's form (scheme, credentials, length, host) without resolving; returns its host, lower-cased. */
    public String checkUrl(URI uri) throws RefusedUrlException {
        String text = uri.toString();
        if (text.length() > MAX_URL_LENGTH) {
            throw new RefusedUrlException("URL of " + text.length() + " characters, more than " + MAX_URL_LENGTH + ": "
                    + text.substring(0, 128) + "...");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RefusedUrlException("scheme '" + scheme + "' is not http or https: " + uri);
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedUrlException("credentials in the URL are not accepted");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new RefusedUrlException("URL has no host: " + uri);
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host;
    }

    /**
     * Resolves the host once and returns its addresses if a download may connect to every one of them (any, for an
     * allow-listed host or when private networks are allowed); blocks on DNS. A connection made to exactly these
     * addresses reaches what was checked.
     */
    public List<InetAddress> addresses(String host) throws RefusedUrlException {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(h);
        } catch (UnknownHostException e) {
            throw new RefusedUrlException("host " + h + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new RefusedUrlException("host " + h + " has no addresses");
        }
        if (allowPrivateNetworks || allowedHosts.contains(h)) {
            return List.of(addresses);
        }
        for (InetAddress a : addresses) {
            if (isInternal(a)) {
                throw new RefusedUrlException("host " + h + " resolves to non-public address " + a.getHostAddress()
                        + " (allow-list the host in assets.allowed-hosts if this is intended)");
            }
        }
        return List.of(addresses);
    }

    /** Addresses a download must not reach: anything that is not a routable public unicast address. */
    public static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return first == 0                                   // "this network"
                    || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT 100.64/10
                    || (first == 192 && second == 0 && (b[2] & 0xFF) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19))  // benchmarking
                    || first >= 240;                            // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xFF;
            if ((first & 0xFE) == 0xFC) {
                return true; // unique local fc00::/7
            }
            // Transition forms carry an IPv4 address, and a gateway on the way may deliver to it: judge that one.
            for (byte[] v4 : embeddedIpv4(b)) {
                try {
                    if (isInternal(InetAddress.getByAddress(v4))) {
                        return true;
                    }
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The IPv4 addresses an IPv6 address carries: IPv4-mapped {@code ::ffff:a.b.c.d} and IPv4-compatible
     * {@code ::a.b.c.d} (last 32 bits), NAT64 {@code 64:ff9b::/96} and its local-use {@code 64:ff9b:1::/48} (last
     * 32 bits), 6to4 {@code 2002::/16} (bits 16-47), Teredo {@code 2001::/32} (the server in bits 32-63 and the
     * client, inverted, in the last 32 bits).
     */
    static List<byte[]> embeddedIpv4(byte[] b) {
        byte[] last = {b[12], b[13], b[14], b[15]};
        if (allZero(b, 0, 10) && (((b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) || (b[10] == 0 && b[11] == 0))) {
            return List.of(last); // mapped, or compatible (:: and ::1 themselves are caught as any-local/loopback)
        }
        int w0 = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int w1 = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (w0 == 0x0064 && w1 == 0xff9b && (allZero(b, 4, 12) || ((b[4] & 0xFF) == 0 && (b[5] & 0xFF) == 1))) {
            return List.of(last); // NAT64, well-known and local-use prefixes
        }
        if (w0 == 0x2002) {
            return List.of(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4
        }
        if (w0 == 0x2001 && w1 == 0x0000) {
            return List.of(new byte[] {b[4], b[5], b[6], b[7]}, // Teredo server
                    new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]}); // Teredo client
        }
        return List.of();
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
