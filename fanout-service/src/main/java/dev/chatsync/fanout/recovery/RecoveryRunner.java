package dev.chatsync.fanout.recovery;

import dev.chatsync.contracts.Ids;
import dev.chatsync.contracts.MessageAppended;
import dev.chatsync.contracts.kafka.TopicProducer;
import dev.chatsync.fanout.expand.FanoutProgress;
import dev.chatsync.fanout.expand.MemberDirectory;
import dev.chatsync.fanout.expand.Timeline;
import dev.chatsync.fanout.inbox.InboxStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The fanout's recovery commands (profile {@code recovery}; deploy/local/replay.sh runs them),
 * for an operator whose inboxes were lost or damaged, or who wants the fanout to read its topics
 * again. Each refuses to run while a fanout instance is up, and leaves the work to the fanout
 * when it starts again:
 *
 * <pre>
 *   rebuild --since 2026-12-01T10:00:00Z [--user alice]
 *   refan --conversation CONVERSATION_ID --from-seq 120
 *   reset-groups --to-datetime 2026-12-01T10:00:00Z [--group fanout-expand]
 * </pre>
 */
@Component
@Profile("recovery")
class RecoveryRunner implements ApplicationRunner, ExitCodeGenerator {

  static final String USAGE = """
      usage: replay.sh rebuild --since <ISO-8601 instant> [--user <userId>]
             replay.sh refan --conversation <conversationId> --from-seq <seq>
             replay.sh reset-groups --to-datetime <ISO-8601 instant> [--group fanout-expand|fanout-inbox|fanout-reads|fanout-changes|fanout-push]""";

  private final KafkaProperties kafka;
  private final Timeline timeline;
  private final MemberDirectory members;
  private final FanoutProgress progress;
  private final InboxStore inboxes;
  private final TopicProducer<MessageAppended> events;
  private int exitCode;

  RecoveryRunner(KafkaProperties kafka, Timeline timeline, MemberDirectory members, FanoutProgress progress, InboxStore inboxes,
      TopicProducer<MessageAppended> events) {
    this.kafka = kafka;
    this.timeline = timeline;
    this.members = members;
    this.progress = progress;
    this.inboxes = inboxes;
    this.events = events;
  }

  @Override
  public void run(ApplicationArguments sourceArguments) throws Exception {
    try (Admin admin = Admin.create(kafka.buildAdminProperties())) {
      RecoveryArguments arguments = RecoveryArguments.parse(sourceArguments.getSourceArgs());
      ConsumerGroups groups = new ConsumerGroups(admin);
      switch (arguments.command()) {
        case "rebuild" -> rebuild(arguments, groups);
        case "refan" -> new Refan(groups, timeline, progress, events, RecoveryRunner::say)
            .run(arguments.required("conversation"), arguments.seq("from-seq"));
        case "reset-groups" -> resetGroups(arguments, groups);
        default -> throw new RecoveryException(arguments.command().isEmpty() ? "no command" : "no command " + arguments.command());
      }
    } catch (RecoveryException refused) {
      System.err.println("replay: " + refused.getMessage());
      System.err.println(USAGE);
      exitCode = 2;
    }
  }

  private void rebuild(RecoveryArguments arguments, ConsumerGroups groups) throws Exception {
    Instant since = arguments.instant("since");
    Optional<String> user = arguments.optional("user");
    if (user.isPresent() && !Ids.isValid(user.get())) {
      throw new RecoveryException("--user " + Ids.problemWith(user.get()));
    }
    try (var consumer = new KafkaConsumer<>(kafka.buildConsumerProperties(), new StringDeserializer(), new ByteArrayDeserializer())) {
      new Rebuild(groups, new MessageLog(consumer), timeline, members, progress, inboxes, events, RecoveryRunner::say)
          .run(since, user);
    }
  }

  private void resetGroups(RecoveryArguments arguments, ConsumerGroups groups) throws Exception {
    Instant at = arguments.instant("to-datetime");
    List<String> chosen = arguments.optional("group").map(List::of).orElse(List.copyOf(ConsumerGroups.FANOUT.keySet()));
    for (String group : chosen) {
      if (!ConsumerGroups.FANOUT.containsKey(group)) {
        throw new RecoveryException("--group must be one of " + ConsumerGroups.FANOUT.keySet());
      }
    }
    groups.requireIdle();
    for (String group : chosen) {
      groups.reset(group, at);
      say(group + " reads " + ConsumerGroups.FANOUT.get(group) + " again from " + at + " when the fanout starts");
    }
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }

  private static void say(String line) {
    System.out.println("replay: " + line);
  }
}
