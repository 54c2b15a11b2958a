"""--portal-words: a deployment's own messages, where the tests expect the bundled portal's verbatim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from suite_run import run_pytest

from fixtures.portal.rules import MAX_LENGTH
from plugins.portal_words import BUNDLED_KINDS, BUNDLED_LIMITS, BUNDLED_WORDS, read_words

pytestmark = pytest.mark.tooling


def words_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "words.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_deployment_s_words_take_the_place_of_those_it_gives_only(tmp_path: Path) -> None:
    path = words_file(tmp_path, '["fr-FR"]\nconflict = "Modifié par quelqu’un d’autre"\n')

    words = read_words(path).words

    assert words["fr-FR"]["conflict"] == "Modifié par quelqu’un d’autre"
    assert words["fr-FR"]["no_customers"] == "Aucun client ne correspond à votre recherche."
    assert words["en-US"] == {**BUNDLED_WORDS["en-US"]}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            '["de-DE"]\nconflict = "Nichts gespeichert"\n', "[de-DE] is no language of the portal's", id="language"
        ),
        pytest.param(
            '["en-US"]\nconflicts = "Nothing saved"\n',
            "[en-US] conflicts = 'Nothing saved': no such key (did you mean conflict?)",
            id="key",
        ),
        pytest.param(
            '["en-US"]\nxyz = "Nothing saved"\n', "[en-US] xyz = 'Nothing saved': no such key, for", id="far-key"
        ),
        pytest.param(
            '["de-DE"]\nconflict = "x"\n', "(a table of one of: en-US, fr-FR, zh-CN, kinds, limits)", id="tables"
        ),
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

    kinds = read_words(path).words["kinds"]

    assert kinds["required"] == r"(is required|must be filled in)\.$"
    assert kinds["postal"] == BUNDLED_KINDS["postal"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("[kinds]\nrequired = '(open'\n", "required = '(open': missing ), unterminated", id="kinds-regex"),
        pytest.param("[kinds]\nmandatory = 'x'\n", "mandatory = 'x': no such key, for one of required", id="kinds-key"),
        pytest.param("kinds = 'x'\n", "[kinds] is a table of regular expressions", id="kinds-not-a-table"),
        pytest.param("[limits]\ncity = '128'\n", "city = '128': expected a number of characters", id="limits-text"),
        pytest.param("[limits]\ncity = 0\n", "city = 0: expected a number of characters", id="limits-none"),
        pytest.param("[limits]\ncity = true\n", "city = True: expected a number of characters", id="limits-boolean"),
        pytest.param("[limits]\ntown = 10\n", "town = 10: no such key, for one of addressLine1", id="limits-field"),
        pytest.param("limits = 10\n", "[limits] is a table of numbers of characters", id="limits-not-a-table"),
    ],
)
def test_kinds_or_limits_that_cannot_be_are_a_usage_error_saying_where(tmp_path: Path, text: str, said: str) -> None:
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
    assert run.names("failed") == ["test_an_empty_search_says_so_in_the_page_language[en-US]"], run.report
    assert "Zero customers found." in run.messages["test_an_empty_search_says_so_in_the_page_language[en-US]"]
    assert refused.returncode == pytest.ExitCode.USAGE_ERROR, refused.output
    assert "[xx] is no language of the portal's" in refused.output


def test_a_deployment_s_limits_take_the_place_of_those_it_gives_only(tmp_path: Path) -> None:
    path = words_file(tmp_path, '["en-US"]\nno_customers = "No results"\n\n[limits]\ncity = 128\n')

    words, limits = read_words(path)

    assert limits == {**BUNDLED_LIMITS, "city": 128}
    assert words["en-US"]["no_customers"] == "No results" and "limits" not in words


def test_the_limits_without_a_file_are_the_bundled_portal_s() -> None:
    # Kept apart (the suite's plugins never import the portal): a limit changed in one alone would be a wrong one
    assert dict(MAX_LENGTH) == BUNDLED_LIMITS


def test_the_page_language_s_field_errors_type_one_more_character_than_the_file_s_limit(tmp_path: Path) -> None:
    # Given a first name's limit one below the bundled portal's: the one more character typed is one it takes
    path = words_file(tmp_path, f"[limits]\nfirstName = {BUNDLED_LIMITS['firstName'] - 1}\n")

    run = run_pytest("tests/test_languages.py", "-k", "validation_message_speaks and en-US",
                     f"--portal-words={path}", folder=tmp_path)  # fmt: skip

    # Then the test fails: the portal took the first name the file says is too long
    assert run.names("failed") == ["test_validation_message_speaks_the_page_language[en-US]"], run.report
    assert "firstName" in run.output, run.report


def test_the_tests_type_one_more_and_as_many_characters_as_the_file_s_limits(tmp_path: Path) -> None:
    # Given limits one below the bundled portal's, for the city and the first name
    path = words_file(tmp_path, f"[limits]\ncity = {BUNDLED_LIMITS['city'] - 1}\nfirstName = 51\n")

    # When a too-long city is typed, and the longest first name (as the file says them)
    run = run_pytest("tests/test_validation.py", "tests/test_hostile_values.py", "-k",
                     "city-too-long or maximum_length", f"--portal-words={path}", folder=tmp_path)  # fmt: skip

    # Then both fail: the portal saves a city as long as its limit, and refuses a first name longer than its own
    assert run.names("failed") == [
        "test_invalid_value_is_refused_at_its_field_and_nothing_is_saved[city-too-long]",
        "test_values_at_their_maximum_length_are_accepted",
    ], run.report
