package dev.chatsync.message.signal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chat.signals.*}: signals are pushed to open streams and never stored (docs/api.md, "Signals").
 *
 * @param typingMaxMembers groups larger than this forward no typing at all: in a big group every
 *     keystroke pause would be a push to every member's every device
 * @param typingLasts how long a typing signal says the user types ({@code until}); a client shows it
 *     until then unless another comes
 */
@ConfigurationProperties("chat.signals")
public record SignalProperties(
    @DefaultValue("100") int typingMaxMembers,
    @DefaultValue("6s") Duration typingLasts) {}
