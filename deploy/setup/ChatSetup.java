import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Brings a Kafka cluster and a Cassandra cluster to the shape the services expect, idempotently:
 * creates missing topics with their explicit partition counts, creates the keyspace, and applies
 * the versioned schema migrations that have not been applied yet.
 *
 * <p>A migration file is {@code V<number>__<name>.cql}; its statements are separated by {@code ;}
 * at the end of a line and must each be idempotent ({@code IF NOT EXISTS}), so that a run that
 * crashed half-way through a file can simply run again. An applied migration is recorded with its
 * checksum in {@code schema_migrations}; editing an applied file is refused: add a new one.
 */
public class ChatSetup {

  /** {@code --kafka none}: the topics are created by someone else (Strimzi's KafkaTopic resources). */
  static final String TOPICS_MANAGED_ELSEWHERE = "none";

  private static final Pattern MIGRATION_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.cql");

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    if (TOPICS_MANAGED_ELSEWHERE.equals(options.get("kafka"))) {
      // On Kubernetes with Strimzi the topics are KafkaTopic resources: the topic operator owns
      // them, and a topic created here would be one it does not manage.
      say("--kafka none: topics are left to the platform");
    } else {
      createTopics(options);
    }
    migrateSchema(options);
  }

  // ---- Kafka ----------------------------------------------------------------------------------

  record TopicSpec(String name, int partitions, Map<String, String> configs) {}

  static void createTopics(Map<String, String> options) throws Exception {
    List<TopicSpec> wanted = readTopics(Path.of(options.get("topics")));
    short replication = Short.parseShort(options.getOrDefault("topic-replication", "1"));
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.get("kafka"));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
    try (Admin admin = Admin.create(props)) {
      var existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec spec : wanted) {
        if (existing.contains(spec.name())) {
          TopicDescription found = admin.describeTopics(List.of(spec.name())).allTopicNames().get().get(spec.name());
          if (found.partitions().size() != spec.partitions()) {
            throw new IllegalStateException("topic " + spec.name() + " has " + found.partitions().size()
                + " partitions, topics.conf says " + spec.partitions()
                + "; changing it would reorder keys, so it is left to an operator");
          }
        } else {
          missing.add(new NewTopic(spec.name(), spec.partitions(), replication).configs(spec.configs()));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
      say("Kafka topics ready: " + wanted.stream().map(t -> t.name() + "(" + t.partitions() + ")")
          .collect(Collectors.joining(", ")) + (missing.isEmpty() ? "" : ", created " + missing.size()));
    }
  }

  static List<TopicSpec> readTopics(Path file) throws IOException {
    List<TopicSpec> topics = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] parts = trimmed.split("\\s+");
      Map<String, String> configs = new HashMap<>();
      for (int i = 2; i < parts.length; i++) {
        String[] kv = parts[i].split("=", 2);
        configs.put(kv[0], kv[1]);
      }
      topics.add(new TopicSpec(parts[0], Integer.parseInt(parts[1]), configs));
    }
    return topics;
  }

  // ---- Cassandra ------------------------------------------------------------------------------

  record Migration(int version, String name, String checksum, List<String> statements) {}

  static void migrateSchema(Map<String, String> options) throws Exception {
    String keyspace = options.getOrDefault("keyspace", "chat");
    String replication = options.getOrDefault("replication", "{'class':'SimpleStrategy','replication_factor':1}");
    List<Migration> migrations = readMigrations(Path.of(options.get("migrations")));
    try (CqlSession session = connect(options)) {
      session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replication);
      session.execute("USE " + keyspace);
      session.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
          + "version int PRIMARY KEY, name text, checksum text, applied_at timestamp)");
      Map<Integer, String> applied = new HashMap<>();
      for (Row row : session.execute("SELECT version, checksum FROM schema_migrations")) {
        applied.put(row.getInt("version"), row.getString("checksum"));
      }
      int newlyApplied = 0;
      for (Migration migration : migrations) {
        String known = applied.get(migration.version());
        if (known != null) {
          if (!known.equals(migration.checksum())) {
            throw new IllegalStateException("migration V" + migration.version() + "__" + migration.name()
                + " was changed after it was applied; add a new migration instead");
          }
          continue;
        }
        for (String statement : migration.statements()) {
          session.execute(statement);
        }
        session.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
            migration.version(), migration.name(), migration.checksum(), Instant.now());
        say("applied migration V" + migration.version() + "__" + migration.name());
        newlyApplied++;
      }
      say("Cassandra keyspace " + keyspace + " at schema version "
          + migrations.get(migrations.size() - 1).version() + " (" + newlyApplied + " applied now)");
    }
  }

  static CqlSession connect(Map<String, String> options) throws InterruptedException {
    String[] hostPort = options.get("cassandra").split(":");
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
        // A one-off tool switches to the keyspace it has just created; the warning is meant for services.
        .withBoolean(DefaultDriverOption.REQUEST_WARN_IF_SET_KEYSPACE, false)
        // The record of applied migrations is read and written by a quorum, as the services read
        // their data: with RF 3 a node that missed a write cannot make a migration look unapplied.
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
        .build();
    // A cluster that is still starting (a fresh K8ssandra datacenter takes minutes) is waited for.
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(options.getOrDefault("wait-seconds", "90"))).toNanos();
    // Credentials come from the environment, never the command line (which any process can read):
    // the same variables the services read, so one Secret serves both.
    String username = System.getenv("SPRING_CASSANDRA_USERNAME");
    String password = System.getenv("SPRING_CASSANDRA_PASSWORD");
    while (true) {
      try {
        var builder = CqlSession.builder()
            .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
            .withLocalDatacenter(options.getOrDefault("datacenter", "datacenter1"))
            .withConfigLoader(config);
        if (username != null && !username.isBlank()) {
          builder.withAuthCredentials(username, password == null ? "" : password);
        }
        return builder.build();
      } catch (RuntimeException notReadyYet) {
        if (System.nanoTime() > deadline) {
          throw notReadyYet;
        }
        Thread.sleep(1000);
      }
    }
  }

  static List<Migration> readMigrations(Path dir) throws Exception {
    List<Migration> migrations = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        Matcher name = MIGRATION_NAME.matcher(file.getFileName().toString());
        if (!name.matches()) {
          continue;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        migrations.add(new Migration(Integer.parseInt(name.group(1)), name.group(2), sha256(text), statements(text)));
      }
    }
    migrations.sort((a, b) -> Integer.compare(a.version(), b.version()));
    if (migrations.isEmpty()) {
      throw new IllegalStateException("no migrations in " + dir);
    }
    return migrations;
  }

  static List<String> statements(String text) {
    String withoutComments = text.lines()
        .filter(line -> !line.strip().startsWith("--"))
        .collect(Collectors.joining("\n"));
    List<String> statements = new ArrayList<>();
    for (String part : withoutComments.split(";\\s*(\n|$)")) {
      if (!part.isBlank()) {
        statements.add(part.strip());
      }
    }
    return statements;
  }

  static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    for (String required : List.of("cassandra", "kafka", "migrations", "topics")) {
      if (!options.containsKey(required)) {
        throw new IllegalArgumentException("missing --" + required);
      }
    }
    return options;
  }

  static void say(String line) {
    System.out.println(Instant.now().toString().substring(11, 19) + " [chat] " + line);
  }
}
