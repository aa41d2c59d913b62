import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.ColumnDefinitions;
import com.datastax.driver.core.ResultSet;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.SocketOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small stand-in for Cassandra's Python {@code cqlsh}, which cassandra-all does not ship: runs
 * CQL statements from {@code -e}, {@code -f} or stdin against a node and prints the rows. Enough
 * for a container health check and for what Testcontainers' CassandraContainer runs inside the
 * container ({@code cqlsh -u cassandra -p cassandra -e "SELECT release_version FROM system.local"}
 * while it waits, {@code cqlsh -u ... -p ... -f init.cql} for an init script). No interactive
 * shell, no shell commands (DESCRIBE, COPY, SOURCE), no TLS.
 *
 * <pre>cqlsh [host [port]] [-u user -p password] [-k keyspace] [-e "statements" | -f file]
 *       [--connect-timeout seconds] [--request-timeout seconds]</pre>
 *
 * Exit code 0 when every statement succeeded, 1 when the node cannot be reached, 2 when a
 * statement failed (as cqlsh does).
 */
public final class Cqlsh {

  public static void main(String[] args) {
    String host = System.getenv().getOrDefault("CQLSH_HOST", "127.0.0.1");
    int port = Integer.parseInt(System.getenv().getOrDefault("CQLSH_PORT", "9042"));
    String user = null;
    String password = null;
    String keyspace = null;
    String execute = null;
    String file = null;
    int connectTimeout = 5;
    int requestTimeout = 10;
    List<String> positional = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "-u", "--username" -> user = args[++i];
          case "-p", "--password" -> password = args[++i];
          case "-k", "--keyspace" -> keyspace = args[++i];
          case "-e", "--execute" -> execute = args[++i];
          case "-f", "--file" -> file = args[++i];
          case "--connect-timeout" -> connectTimeout = Integer.parseInt(args[++i]);
          case "--request-timeout" -> requestTimeout = Integer.parseInt(args[++i]);
          case "--ssl" -> {
            System.err.println("cqlsh: this stand-in has no TLS support");
            System.exit(1);
          }
          case "--no-color", "-C", "--color" -> { }
          case "-h", "--help" -> {
            System.out.println("usage: cqlsh [host [port]] [-u user -p password] [-k keyspace] [-e statements | -f file]");
            return;
          }
          default -> {
            if (arg.startsWith("-")) {
              throw new IllegalArgumentException("unknown option " + arg);
            }
            positional.add(arg);
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      System.err.println("cqlsh: " + (e instanceof ArrayIndexOutOfBoundsException ? "an option lacks its value" : e.getMessage()));
      System.exit(2);
    }
    if (!positional.isEmpty()) {
      host = positional.get(0);
    }
    if (positional.size() > 1) {
      port = Integer.parseInt(positional.get(1));
    }

    String text;
    String source;
    try {
      if (execute != null) {
        text = execute;
        source = "<string>";
      } else if (file != null) {
        Path path = Path.of(file);
        // Testcontainers copies an init script to a relative path, which Docker puts under "/".
        if (!Files.exists(path) && !path.isAbsolute()) {
          path = Path.of("/").resolve(file);
        }
        text = Files.readString(path, StandardCharsets.UTF_8);
        source = file;
      } else {
        text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        source = "<stdin>";
      }
    } catch (IOException e) {
      System.err.println("cqlsh: cannot read " + (file != null ? file : "stdin") + ": " + e.getMessage());
      System.exit(2);
      return;
    }

    Cluster.Builder builder = Cluster.builder()
        .addContactPoint(host)
        .withPort(port)
        .withoutJMXReporting()
        .withoutMetrics()
        .withSocketOptions(new SocketOptions()
            .setConnectTimeoutMillis(connectTimeout * 1000)
            .setReadTimeoutMillis(requestTimeout * 1000));
    if (user != null) {
      builder.withCredentials(user, password == null ? "" : password);
    }
    int status = 0;
    try (Cluster cluster = builder.build()) {
      Session session;
      try {
        session = keyspace == null ? cluster.connect() : cluster.connect(keyspace);
      } catch (RuntimeException e) {
        System.err.println("Connection error: ('Unable to connect to any servers', " + host + ":" + port + ": " + e.getMessage() + ")");
        System.exit(1);
        return;
      }
      for (Statement statement : split(text)) {
        try {
          print(session.execute(statement.cql()));
        } catch (RuntimeException e) {
          System.err.println(source + ":" + statement.line() + ":" + e.getClass().getSimpleName() + ": " + e.getMessage());
          status = 2;
          break;
        }
      }
    }
    System.exit(status);
  }

  record Statement(String cql, int line) {}

  /** Splits at ";" outside strings, quoted names, $$ blocks and comments; drops the comments. */
  static List<Statement> split(String text) {
    List<Statement> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int line = 1;
    int startLine = -1;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
      }
      if ((c == '-' && text.startsWith("--", i)) || (c == '/' && text.startsWith("//", i))) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end;
        continue;
      }
      if (c == '/' && text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        end = end < 0 ? text.length() : end + 2;
        line += (int) text.substring(i, end).chars().filter(ch -> ch == '\n').count();
        i = end;
        continue;
      }
      if (c == ';') {
        if (!current.toString().isBlank()) {
          statements.add(new Statement(current.toString().strip(), startLine));
        }
        current.setLength(0);
        startLine = -1;
        i++;
        continue;
      }
      if (startLine < 0 && !Character.isWhitespace(c)) {
        startLine = line;
      }
      if (c == '\'' || c == '"' || (c == '$' && text.startsWith("$$", i))) {
        String quote = c == '$' ? "$$" : String.valueOf(c);
        int end = i + quote.length();
        while (true) {
          end = text.indexOf(quote, end);
          if (end < 0) {
            end = text.length();
            break;
          }
          // A doubled quote inside a string is the quote itself.
          if (quote.length() == 1 && text.startsWith(quote + quote, end)) {
            end += 2;
            continue;
          }
          end += quote.length();
          break;
        }
        String quoted = text.substring(i, end);
        line += (int) quoted.chars().filter(ch -> ch == '\n').count();
        current.append(quoted);
        i = end;
        continue;
      }
      current.append(c);
      i++;
    }
    if (!current.toString().isBlank()) {
      statements.add(new Statement(current.toString().strip(), startLine));
    }
    return statements;
  }

  static void print(ResultSet rows) {
    ColumnDefinitions columns = rows.getColumnDefinitions();
    if (columns == null || columns.size() == 0) {
      return;
    }
    List<String> names = new ArrayList<>();
    for (ColumnDefinitions.Definition column : columns) {
      names.add(column.getName());
    }
    System.out.println(" " + String.join(" | ", names));
    System.out.println("-".repeat(Math.max(3, String.join(" | ", names).length() + 2)));
    int count = 0;
    for (Row row : rows) {
      List<String> values = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        Object value = row.getObject(c);
        values.add(value == null ? "null" : value.toString());
      }
      System.out.println(" " + String.join(" | ", values));
      count++;
    }
    System.out.println();
    System.out.println("(" + count + " rows)");
  }
}
