package dev.chatsync.message;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import dev.chatsync.message.lifecycle.ChangeAnnouncer;
import dev.chatsync.message.member.MemberStore;
import dev.chatsync.message.member.MembershipAnnouncer;
import dev.chatsync.message.read.ReadAnnouncer;
import dev.chatsync.message.read.ReadCursors;
import dev.chatsync.message.timeline.MessageChanges;
import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.cassandra.autoconfigure.CqlSessionBuilderCustomizer;
import org.springframework.boot.cassandra.autoconfigure.DriverConfigLoaderBuilderCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A test context whose membership, read and message-change stores and announcers go through {@link Faults}; the
 * real Cassandra and Kafka adapters stay underneath. The session's statements can be watched
 * ({@link StatementLog}) and its clock set ahead ({@link SkewedClock}).
 */
@TestConfiguration(proxyBeanMethods = false)
public class FaultInjection {

  private static final List<Class<?>> WRAPPED = List.of(MemberStore.class, MembershipAnnouncer.class, ReadCursors.class,
      ReadAnnouncer.class, MessageChanges.class, ChangeAnnouncer.class);

  @Bean
  static Faults faults() {
    return new Faults();
  }

  @Bean
  static StatementLog statementLog() {
    return new StatementLog();
  }

  @Bean
  static CqlSessionBuilderCustomizer watchedStatements(StatementLog log) {
    return builder -> builder.addRequestTracker(log);
  }

  @Bean
  static DriverConfigLoaderBuilderCustomizer skewableClock() {
    return config -> config.withString(DefaultDriverOption.TIMESTAMP_GENERATOR_CLASS, SkewedClock.class.getName());
  }

  @Bean
  static BeanPostProcessor faultyAdapters(Faults faults) {
    return new BeanPostProcessor() {
      @Override
      @SuppressWarnings({"unchecked", "rawtypes"})
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        for (Class type : WRAPPED) {
          if (type.isInstance(bean)) {
            return faults.wrap(type, bean);
          }
        }
        return bean;
      }
    };
  }
}
