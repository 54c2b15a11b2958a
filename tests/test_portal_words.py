"""--portal-words: a deployment's own messages, where the tests expect the bundled portal's verbatim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plugins.portal_words import BUNDLED_KINDS, BUNDLED_WORDS, read_words
from tests.suite_run import run_pytest

pytestmark = pytest.mark.tooling


def words_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "words.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_deployment_s_words_take_the_place_of_those_it_gives_only(tmp_path: Path) -> None:
    path = words_file(tmp_path, '["fr-FR"]\nconflict = "Modifié par quelqu’un d’autre"\n')

    words = read_words(path)

    assert words["fr-FR"]["conflict"] == "Modifié par quelqu’un d’autre"
    assert words["fr-FR"]["no_customers"] == "Aucun client ne correspond à votre recherche."
    assert words["en-US"] == {**BUNDLED_WORDS["en-US"]}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            '["de-DE"]\nconflict = "Nichts gespeichert"\n', "[de-DE] is no language of the portal's", id="language"
        ),
        pytest.param('["en-US"]\nconflicts = "Nothing saved"\n', "[en-US] conflicts = 'Nothing saved'", id="key"),
        pytest.param('["en-US"]\nconflict = 3\n', "[en-US] conflict = 3: expected words", id="not-words"),
        pytest.param('["en-US"]\nconflict = " "\n', "[en-US] conflict = ' ': expected words", id="blank"),
        pytest.param("conflict = Nothing saved\n", "cannot be read as TOML", id="not-toml"),
    ],
)
def test_a_file_of_words_that_cannot_be_is_a_usage_error_saying_where(tmp_path: Path, text: str, said: str) -> None:
    path = words_file(tmp_path, text)

    with pytest.raises(pytest.UsageError) as refused:
        read_words(path)

    assert str(refused.value).startswith(f"--portal-words {path}: ")
    assert said in str(refused.value)


def test_a_deployment_s_kinds_of_field_error_take_the_place_of_those_it_gives_only(tmp_path: Path) -> None:
    path = words_file(tmp_path, "[kinds]\nrequired = '(is required|must be filled in)\\.$'\n")

    kinds = read_words(path)["kinds"]

    assert kinds["required"] == r"(is required|must be filled in)\.$"
    assert kinds["postal"] == BUNDLED_KINDS["postal"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("[kinds]\nrequired = '(open'\n", "required = '(open': missing ), unterminated", id="regex"),
        pytest.param("[kinds]\nmandatory = 'x'\n", "mandatory = 'x': expected a regular expression", id="kind"),
        pytest.param("kinds = 'x'\n", "[kinds] is a table of regular expressions", id="not-a-table"),
    ],
)
def test_kinds_that_cannot_be_are_a_usage_error_saying_where(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(pytest.UsageError, match=re.escape(said)):
        read_words(words_file(tmp_path, text))


def test_a_missing_file_of_words_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(pytest.UsageError, match="cannot be read as TOML"):
        read_words(str(tmp_path / "missing.toml"))


def test_the_tests_expect_the_words_the_file_gives(tmp_path: Path) -> None:
    # Given words for an empty search the bundled portal does not say
    path = words_file(tmp_path, '["en-US"]\nno_customers = "Zero customers found."\n')

    # When the test of an empty search runs with them, and with a file naming no language of the portal's
    run = run_pytest("tests/test_languages.py", "-k", "empty_search and en-US",
                     f"--portal-words={path}", folder=tmp_path)  # fmt: skip
    refused = run_pytest("tests/test_languages.py", f"--portal-words={words_file(tmp_path, '[xx]')}", folder=tmp_path)

    # Then the test expects the file's words (and fails: the portal says its own), and the bad file stops the run
    assert run.names("failed") == ["test_an_empty_search_says_so_in_the_page_language[en-US]"], run.output
    assert "Zero customers found." in run.messages["test_an_empty_search_says_so_in_the_page_language[en-US]"]
    assert refused.returncode == pytest.ExitCode.USAGE_ERROR, refused.output
    assert "[xx] is no language of the portal's" in refused.output
