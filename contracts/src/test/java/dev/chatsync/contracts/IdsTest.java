package dev.chatsync.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void acceptsTheApiAlphabetUpTo64Characters() {
    assertThat(Ids.isValid("alice")).isTrue();
    assertThat(Ids.isValid("A-z_0.9")).isTrue();
    assertThat(Ids.isValid("x".repeat(64))).isTrue();
  }

  @Test
  void refusesEmptyLongAndForeignCharacters() {
    assertThat(Ids.problemWith(null)).isEqualTo("is required");
    assertThat(Ids.problemWith("")).isEqualTo("is required");
    assertThat(Ids.isValid("x".repeat(65))).isFalse();
    assertThat(Ids.isValid("al ice")).isFalse();
    assertThat(Ids.isValid("bob/..")).isFalse();
    assertThat(Ids.isValid("zoë")).isFalse();
  }
}
