package dev.tributary.sinks.redshift;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * Where and as whom the sink connects. The password is a value the caller resolved from the environment;
 * it is never logged and never part of {@link #toString()}.
 */
public final class JdbcSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final String user;
    private final String password;

    public JdbcSettings(String url, String user, String password) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = user;
        this.password = password;
        WarehouseDialect.forUrl(url); // fail at build time on an unsupported URL
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /**
     * Opens a connection with the driver the URL names. The driver is instantiated directly rather than
     * found through DriverManager, which cannot see drivers loaded by Flink's user-code class loader.
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "tributary-warehouse-sink");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "10");
        // a hung server must not hang the task forever; a MERGE of one batch takes seconds
        props.setProperty("socketTimeout", "600");
        Driver driver = driverFor(url);
        Connection connection = driver.connect(url, props);
        if (connection == null) {
            throw new SQLException("driver " + driver.getClass().getName() + " does not accept the URL", "08001");
        }
        return connection;
    }

    private static Driver driverFor(String url) throws SQLException {
        String className = url.startsWith("jdbc:redshift:") ? "com.amazon.redshift.Driver" : "org.postgresql.Driver";
        try {
            return (Driver) Class.forName(className, true, JdbcSettings.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new SQLException("JDBC driver " + className + " is not on the classpath"
                    + (className.startsWith("com.amazon") ? " (add com.amazon.redshift:redshift-jdbc42 to the job jar)" : ""),
                    "42000", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcSettings{url=" + url.replaceAll("\\?.*", "?...") + ", user=" + user + ", password=***}";
    }
}
