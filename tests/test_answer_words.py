"""How the words of a portal's answer to Submit are read (pages/strings.py), in the three languages: a save, a
refusal, another's change meanwhile, or no outcome yet. No browser: the words alone."""

from __future__ import annotations

import pytest

from pages.strings import OUTCOME_WORDS, refusals_unsaid, says_refused, says_saved

pytestmark = pytest.mark.tooling

ANOTHERS_CHANGE = [
    "Someone else updated this account in the meantime.",
    "This account was updated by someone else.",
    "Updated by another user since you opened it.",
    "Ce compte a été mis à jour par quelqu'un d'autre.",
    "Quelqu’un d’autre a modifié ce compte entre-temps.",
    "此帐户已被其他用户修改。",
    "其他人更改了此客户的帐单信息。",
]
SAVES_SPEAKING_OF_OTHERS = [
    "Saved. Other users will see the change after they refresh.",
    "Changes saved. Another admin can review them.",
    "Enregistré. Les modifications seront visibles entre-temps.",
    "已保存。其他用户刷新后即可看到更改。",
]
# Said by a kept form after its save: a negation that refuses nothing.
NOT_REFUSALS = ["Billing profile changed. You don't need to do anything else.", "更改已生效，不需要其他操作"]
REFUSED_OUTRIGHT = ["Something went wrong.", "Request failed.", "Impossible de traiter votre demande.", "请求被拒绝。"]
# Said after a 202 (accepted, not done): no outcome yet.
ACCEPTED = ["Demande acceptée. Entre-temps, vous pouvez fermer cette page.", "请求已接受，其他人将在处理后看到更改"]


@pytest.mark.parametrize("words", ANOTHERS_CHANGE)
def test_another_s_change_meanwhile_is_a_refusal_wherever_it_stands(words: str) -> None:
    assert (says_saved([words]), says_refused([words]), refusals_unsaid([words])) == (False, True, [words])


@pytest.mark.parametrize("words", SAVES_SPEAKING_OF_OTHERS)
def test_a_save_that_speaks_of_other_people_is_a_save(words: str) -> None:
    assert (says_saved([words]), says_refused([words]), refusals_unsaid([words])) == (True, False, [])


@pytest.mark.parametrize("words", NOT_REFUSALS)
def test_a_negation_alone_in_a_kept_form_s_status_is_no_refusal(words: str) -> None:
    assert refusals_unsaid([words]) == []


@pytest.mark.parametrize("words", REFUSED_OUTRIGHT)
def test_a_failure_in_a_kept_form_s_status_is_a_refusal_and_an_outcome(words: str) -> None:
    assert refusals_unsaid([words]) == [words] and OUTCOME_WORDS.search(words)


@pytest.mark.parametrize("words", ACCEPTED)
def test_words_of_an_acceptance_are_no_outcome(words: str) -> None:
    assert OUTCOME_WORDS.search(words) is None and not says_refused([words])
