package dev.chatsync.k8s.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the rest of the repository says, read from its files: the topics of deploy/kafka/topics.conf,
 * the topic names of contracts' Topics.java, and the Kafka consumer groups of fanout-service's
 * {@code @KafkaListener}s. The policy compares the manifests with these.
 */
final class ProjectFacts {

  record TopicSpec(String name, int partitions, Map<String, String> config) {}

  /**
   * @param topics deploy/kafka/topics.conf, by name
   * @param codeTopics Topics.java's String constants: constant name -> topic name
   * @param listenerGroups the fanout's consumer groups: group id -> the topic it reads
   */
  record Facts(Map<String, TopicSpec> topics, Map<String, String> codeTopics, Map<String, String> listenerGroups) {}

  private ProjectFacts() {}

  static Facts fromRepo() {
    Path root = Repo.root();
    Map<String, String> codeTopics = codeTopics(Repo.read(root.resolve("contracts/src/main/java/dev/chatsync/contracts/Topics.java")));
    return new Facts(
        topicsConf(Repo.read(root.resolve("deploy/kafka/topics.conf"))),
        codeTopics,
        listenerGroups(root.resolve("fanout-service/src/main/java"), codeTopics));
  }

  /** topics.conf: "name partitions key=value..." per line; "#" starts a comment, also after the fields. */
  static Map<String, TopicSpec> topicsConf(String text) {
    Map<String, TopicSpec> topics = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (content.isEmpty()) {
        continue;
      }
      String[] fields = content.split("\\s+");
      if (fields.length < 2 || !fields[1].matches("[1-9][0-9]*")) {
        throw new IllegalArgumentException("topics.conf line " + lineNo + ": expected \"name partitions [key=value...]\": " + line);
      }
      Map<String, String> config = new TreeMap<>();
      for (int i = 2; i < fields.length; i++) {
        int eq = fields[i].indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("topics.conf line " + lineNo + ": not key=value: " + fields[i]);
        }
        config.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
      }
      topics.put(fields[0], new TopicSpec(fields[0], Integer.parseInt(fields[1]), config));
    }
    return topics;
  }

  private static final Pattern STRING_CONSTANT =
      Pattern.compile("static\\s+final\\s+String\\s+([A-Z_][A-Z0-9_]*)\\s*=\\s*\"([^\"]+)\"\\s*;");

  static Map<String, String> codeTopics(String topicsJava) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = STRING_CONSTANT.matcher(topicsJava);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  private static final Pattern LISTENER = Pattern.compile("@KafkaListener\\s*\\(");

  /**
   * group id -> topic of every {@code @KafkaListener} under a source folder. The group is the
   * listener's {@code groupId} if set, else its {@code id} (Spring Kafka's default, idIsGroup=true).
   */
  static Map<String, String> listenerGroups(Path sourceRoot, Map<String, String> codeTopics) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String src = Files.readString(f);
        Matcher m = LISTENER.matcher(src);
        while (m.find()) {
          String args = balanced(src, m.end() - 1);
          String group = attribute(args, "groupId");
          if (group == null) {
            group = attribute(args, "id");
          }
          String topic = topicOf(args, codeTopics);
          if (group == null || topic == null) {
            throw new IllegalStateException("cannot read the group and topic of @KafkaListener(" + args + ") in " + f);
          }
          out.put(group, topic);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String attribute(String args, String name) {
    Matcher m = Pattern.compile("(?<![A-Za-z])" + name + "\\s*=\\s*\"([^\"]*)\"").matcher(args);
    return m.find() ? m.group(1) : null;
  }

  private static String topicOf(String args, Map<String, String> codeTopics) {
    Matcher constant = Pattern.compile("topics\\s*=\\s*\\{?\\s*Topics\\.([A-Z_][A-Z0-9_]*)").matcher(args);
    if (constant.find()) {
      return codeTopics.get(constant.group(1));
    }
    Matcher literal = Pattern.compile("topics\\s*=\\s*\\{?\\s*\"([^\"]+)\"").matcher(args);
    return literal.find() ? literal.group(1) : null;
  }

  /** The text between the parenthesis at `open` and its match. */
  private static String balanced(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') depth++;
      if (c == ')' && --depth == 0) {
        return s.substring(open + 1, i);
      }
    }
    throw new IllegalStateException("unbalanced @KafkaListener(");
  }

  static List<String> topicNames(Map<String, TopicSpec> topics) {
    return List.copyOf(topics.keySet());
  }
}
