package dev.chatsync.testinfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.cassandra.CassandraContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * One Kafka broker (KRaft) and one Cassandra node in containers, shaped by the project's own setup
 * tool (topics and schema migrations), exactly as the local launcher shapes its processes.
 *
 * <p>The images default to the ones deploy/images/build.sh makes on a machine without a registry;
 * where Docker Hub is reachable, {@code -Dchat.infra.kafka-image=apache/kafka:4.1.1} and
 * {@code -Dchat.infra.cassandra-image=cassandra:5.0.6} work as well.
 */
final class ContainerInfrastructure implements AutoCloseable {

  private static final String KAFKA_IMAGE = System.getProperty("chat.infra.kafka-image", "chatsync/kafka:4.1.1");
  private static final String CASSANDRA_IMAGE = System.getProperty("chat.infra.cassandra-image", "chatsync/cassandra:5.0.6");
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(5);
  /** On every container a run starts (deploy/docker/test-with-containers.sh removes any left). */
  static final String LABEL = "dev.chatsync.test-infrastructure";

  private final KafkaContainer kafka;
  private final CassandraContainer cassandra;

  private ContainerInfrastructure(KafkaContainer kafka, CassandraContainer cassandra) {
    this.kafka = kafka;
    this.cassandra = cassandra;
  }

  static ContainerInfrastructure start() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException("-Dchat.infra=testcontainers needs a Docker daemon; on a machine without one, "
          + "deploy/docker/dockerd.sh start installs and starts one");
    }
    requireImage(KAFKA_IMAGE);
    requireImage(CASSANDRA_IMAGE);
    Instant began = Instant.now();
    var kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE).asCompatibleSubstituteFor("apache/kafka"))
        .withLabel(LABEL, "true");
    var cassandra = new CassandraContainer(DockerImageName.parse(CASSANDRA_IMAGE).asCompatibleSubstituteFor("cassandra"))
        .withLabel(LABEL, "true")
        .withStartupTimeout(Duration.ofMinutes(3));
    var infrastructure = new ContainerInfrastructure(kafka, cassandra);
    // The end of the run closes them; a JVM that ends otherwise (a fork timeout, Ctrl-C) still
    // runs its shutdown hooks. Only SIGKILL gets past both: the label lets a script find them.
    Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::close, "chat-infra-containers"));
    try {
      Startables.deepStart(kafka, cassandra).join();
      infrastructure.applySetup();
    } catch (RuntimeException failed) {
      infrastructure.close();
      throw failed;
    }
    System.out.printf("[chat.infra] testcontainers: Kafka %s at %s, Cassandra %s at %s, ready in %d s%n",
        KAFKA_IMAGE, infrastructure.bootstrapServers(), CASSANDRA_IMAGE, infrastructure.contactPoint(),
        Duration.between(began, Instant.now()).toSeconds());
    return infrastructure;
  }

  /**
   * Where Spring (spring.kafka / spring.cassandra), the system tests' launcher and their direct
   * CQL and Kafka clients look; system properties win over the test command's environment.
   */
  void pointTestsAtIt() {
    System.setProperty("spring.kafka.bootstrap-servers", bootstrapServers());
    System.setProperty("spring.cassandra.contact-points", contactPoint());
    System.setProperty("spring.cassandra.local-datacenter", cassandra.getLocalDatacenter());
  }

  private String bootstrapServers() {
    return kafka.getBootstrapServers();
  }

  private String contactPoint() {
    return cassandra.getHost() + ":" + cassandra.getMappedPort(9042);
  }

  /** The same tool, topics file and migrations as every other environment: nothing test-only. */
  private void applySetup() {
    Path repository = repositoryRoot();
    List<String> command = List.of("deploy/setup/setup.sh", "--cassandra", contactPoint(), "--kafka", bootstrapServers(),
        "--datacenter", cassandra.getLocalDatacenter());
    try {
      Process setup = new ProcessBuilder(command).directory(repository.toFile()).inheritIO().start();
      if (!setup.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        setup.destroyForcibly();
        throw new IllegalStateException("deploy/setup/setup.sh did not finish within " + SETUP_TIMEOUT);
      }
      if (setup.exitValue() != 0) {
        throw new IllegalStateException("deploy/setup/setup.sh failed with exit code " + setup.exitValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run deploy/setup/setup.sh", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting up the containers", e);
    }
  }

  /** Tests run in their module's directory; the repository is the nearest parent with the setup tool. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve("deploy/setup/setup.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no deploy/setup/setup.sh above " + Path.of("").toAbsolutePath());
  }

  /** A locally built image that is missing would be looked for in a registry, which fails obscurely. */
  private static void requireImage(String image) {
    if (!image.startsWith("chatsync/")) {
      return;
    }
    boolean present = !DockerClientFactory.instance().client().listImagesCmd().withImageNameFilter(image).exec().isEmpty();
    if (!present) {
      throw new IllegalStateException("image " + image + " is not in the local Docker daemon; build it with "
          + "deploy/images/build.sh kafka cassandra");
    }
  }

  /**
   * Without Ryuk (its image cannot be pulled everywhere) nobody else removes the containers: the
   * end of the run does.
   */
  @Override
  public void close() {
    try {
      kafka.stop();
    } finally {
      cassandra.stop();
    }
  }
}
