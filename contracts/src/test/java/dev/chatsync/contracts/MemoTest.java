package dev.chatsync.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoTest {

  @Test
  void remembersMergedFactsAndForgetsAllOfThemWhenFull() {
    Memo<String, Long> memo = new Memo<>(2);
    memo.remember("a", 5L, Math::max);
    memo.remember("a", 3L, Math::max);
    memo.remember("b", 1L, Math::max);
    assertThat(memo.get("a")).isEqualTo(5L);
    assertThat(memo.get("b")).isEqualTo(1L);

    memo.remember("c", 7L, Math::max);

    assertThat(memo.get("a")).isNull();
    assertThat(memo.get("b")).isNull();
    assertThat(memo.get("c")).isEqualTo(7L);
  }

  @Test
  void aMemoOfNoCapacityRemembersNothing() {
    Memo<String, Long> memo = new Memo<>(0);
    memo.remember("a", 1L, Math::max);
    assertThat(memo.get("a")).isNull();
  }
}
