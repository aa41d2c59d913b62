package dev.chatsync.testinfra;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives every test class the real Kafka and Cassandra it runs against. Registered for all tests
 * (the build turns on JUnit's extension autodetection), it does nothing by default: the test
 * command has started local processes and said where in the environment. With
 * {@code -Dchat.infra=testcontainers} it starts a broker and a node in containers once per test JVM,
 * applies the project's setup to them, and points the tests there through system properties,
 * which Spring prefers to the environment. A class that cannot have its infrastructure fails with
 * the reason, instead of timing out against an address where nothing listens.
 */
public final class RealInfrastructure implements BeforeAllCallback {

  /** The switch: {@code local} (the default) or {@code testcontainers}. */
  public static final String SWITCH = "chat.infra";

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!usesContainers()) {
      return;
    }
    // The root store outlives every class of the run and closes what it holds at its end.
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .computeIfAbsent(ContainerInfrastructure.class, key -> ContainerInfrastructure.start(), ContainerInfrastructure.class)
        .pointTestsAtIt();
  }

  public static boolean usesContainers() {
    String choice = System.getProperty(SWITCH, "local");
    return switch (choice) {
      case "local", "" -> false;
      case "testcontainers" -> true;
      default -> throw new IllegalArgumentException("-D" + SWITCH + "=" + choice + ": expected local or testcontainers");
    };
  }
}
