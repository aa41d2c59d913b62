package dev.chatsync.message;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Faults in the steps of a request, for the tests of changes that must complete (docs/design.md, the faults).
 * A step is a method of a wrapped store or announcer, picked for one user (the tests use fresh
 * user ids, so a rule never touches another test's calls); each rule fires once.
 *
 * <p>{@link #killAfter} makes the request die right after the step, as if message-service were
 * killed there: what the step wrote is in Cassandra or Kafka, nothing after it is, and nothing of
 * the request runs on.
 */
public final class Faults {

  /** The request died here. */
  public static final class Killed extends RuntimeException {
    Killed(String step) {
      super("killed after " + step);
    }
  }

  /** {@code once}: fires for the first matching call only; null: for every matching call. */
  private record Rule(String method, Predicate<Object[]> matches, Function<Object[], Mono<?>> before, boolean killAfter,
      AtomicBoolean once) {

    boolean claims(Method called, Object[] args) {
      return called.getName().equals(method) && matches.test(args) && (once == null || once.compareAndSet(false, true));
    }
  }

  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  /** The next call of {@code method} for {@code userId} does its work, then the request dies. */
  public void killAfter(String method, String userId) {
    rules.add(new Rule(method, args -> mentions(args, userId), null, true, new AtomicBoolean()));
  }

  /** Before the next call of {@code method} for {@code userId}, {@code action} runs (with the call's arguments). */
  public void before(String method, String userId, Function<Object[], Mono<?>> action) {
    rules.add(new Rule(method, args -> mentions(args, userId), action, false, new AtomicBoolean()));
  }

  /** Before every call of {@code method} for {@code userId}, {@code action} runs: a row that keeps changing. */
  public void beforeEvery(String method, String userId, Function<Object[], Mono<?>> action) {
    rules.add(new Rule(method, args -> mentions(args, userId), action, false, null));
  }

  /**
   * The first {@code parties} calls of {@code method} wait for each other (at most {@code atMost}),
   * so that they all run after every one of them made its decisions: a race made certain.
   */
  public void gather(String method, int parties, Duration atMost) {
    AtomicInteger arrived = new AtomicInteger();
    Sinks.Empty<Void> all = Sinks.empty();
    rules.add(new Rule(method, args -> true, args -> {
      int position = arrived.incrementAndGet();
      if (position > parties) {
        return Mono.empty();
      }
      if (position == parties) {
        all.tryEmitEmpty();
      }
      return all.asMono().timeout(atMost, Mono.empty());
    }, false, null));
  }

  /** {@code target} with these faults in its calls; {@code type} is the interface the application uses. */
  @SuppressWarnings("unchecked")
  <T> T wrap(Class<T> type, T target) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class || !Mono.class.isAssignableFrom(method.getReturnType())) {
        return call(target, method, args);
      }
      Mono<Object> result = Mono.defer(() -> {
        try {
          return (Mono<Object>) call(target, method, args);
        } catch (Throwable failed) {
          return Mono.error(failed);
        }
      });
      for (Rule rule : rules) {
        if (rule.claims(method, args)) {
          if (rule.before() != null) {
            Mono<Object> later = result;
            result = Mono.defer(() -> rule.before().apply(args)).then(later);
          }
          if (rule.killAfter()) {
            String step = type.getSimpleName() + "." + method.getName();
            result = result.materialize().flatMap(signal -> signal.isOnError()
                ? Mono.error(signal.getThrowable())
                : Mono.error(new Killed(step)));
          }
        }
      }
      return result;
    };
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException failed) {
      throw failed.getCause();
    }
  }

  /** User ids are random per test, so one that appears in an argument (or a record's text) is that user's call. */
  private static boolean mentions(Object[] args, String userId) {
    return args != null && Arrays.stream(args).anyMatch(arg -> arg != null && String.valueOf(arg).contains(userId));
  }
}
