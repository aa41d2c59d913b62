package dev.chatsync.fanout.push;

import dev.chatsync.fanout.push.send.ApnsSender;
import dev.chatsync.fanout.push.send.FcmSender;
import dev.chatsync.fanout.push.send.PushSender;
import dev.chatsync.fanout.push.send.WebhookSender;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The notifier and its senders, one per provider; {@code chat.push.enabled=false} leaves them all out. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "chat.push.enabled", havingValue = "true", matchIfMissing = true)
class PushConfiguration {

  @Bean
  PushListener pushListener(PushDirectory directory, PushProperties properties, MeterRegistry meters) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    JsonMapper json = JsonMapper.builder().build();
    List<PushSender> senders = List.of(new WebhookSender(http, json, properties), new FcmSender(http, json, properties),
        new ApnsSender(http, json, properties));
    return new PushListener(directory, new PushDispatcher(senders, directory, properties, meters), properties);
  }
}
