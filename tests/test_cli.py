"""The command line, run as a real subprocess: chat, chat --json, assess, and --help everywhere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from skill.cli import build_parser

CLI = [sys.executable, "-m", "skill.cli"]


def run(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), input=stdin, capture_output=True, text=True, timeout=timeout)


def events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_chat_json_speaks_the_protocol_to_a_result():
    done = run("chat", "--json", "--locale", "en-GB", stdin="no\nno\nyes\nno\nno\nno\nno\n")
    assert done.returncode == 0, done.stderr
    out = events(done.stdout)
    asks = [e for e in out if e["type"] == "ask"]
    assert asks[0]["question"] == "red_flags_chest" and asks[0]["kind"] == "yes_no"
    assert set(asks[0]["findings"]) >= {"breathless", "chest_pain"}
    heard = [e for e in out if e["type"] == "heard"]
    assert {k: heard[0][k] for k in ("type", "text", "intent", "slots")} == {
        "type": "heard", "text": "no", "intent": "No", "slots": {}}
    assert 0 < heard[0]["confidence"] <= 1
    result = out[-1]
    assert result["type"] == "result" and result["level"] == "URGENT"
    assert result["questions_asked"] == len({a["question"] for a in asks})
    assert result["reasons"] and result["advice"] and "999" in result["safety_net"]


def test_chat_json_reports_a_bad_wav_answer_and_asks_again():
    done = run("chat", "--json", stdin="@/nonexistent/answer.wav\nI can't breathe\n")
    out = events(done.stdout)
    errors = [e for e in out if e["type"] == "error"]
    assert errors and "answer.wav" in errors[0]["text"]
    assert out[-1]["level"] == "EMERGENCY"
    assert done.returncode == 0


def test_chat_json_end_of_input_stops_without_assuming_no():
    out = events(run("chat", "--json", stdin="no\n").stdout)
    assert out[-1]["type"] == "result" and out[-1]["complete"] is False
    assert out[-1]["level"] == "EMERGENCY"  # the leg red flags were never answered
    assert any(e["type"] == "say" and "could not finish" in e["text"] for e in out)


def test_typed_chat_for_a_person():
    done = run("chat", stdin="no\nno\nno\nno\nno\nno\nno\nno\nno\nno\nno\n")
    assert done.returncode == 0, done.stderr
    assert "Outcome: self care" in done.stdout
    assert "not a diagnosis" in done.stdout


def test_assess_reads_findings_and_prints_the_result(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"chest_pain": "yes", "side": "left"}))
    done = run("assess", str(path), "--locale", "en-AU")
    result = json.loads(done.stdout)
    assert result["level"] == "EMERGENCY" and "000" in result["advice"]
    assert "Wells" in result["summary"]


def test_assess_from_stdin():
    done = run("assess", "-", stdin='{"swelling": "yes"}')
    assert json.loads(done.stdout)["level"] == "EMERGENCY"  # red flags unknown: cautious


@pytest.mark.parametrize(("stdin", "message"), [("{not json", "not valid JSON"), ("[1, 2]", "JSON object"),
                                                 ('{"swollen": "yes"}', "unknown finding"),
                                                 ('{"swelling": "perhaps"}', "must be yes, no")])
def test_assess_refuses_bad_input_clearly(stdin, message):
    done = run("assess", "-", stdin=stdin)
    assert done.returncode != 0 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_assess_refuses_a_file_that_is_not_utf8_clearly(tmp_path):
    """It crashed with UnicodeDecodeError (found in issue 17)."""
    path = tmp_path / "case.json"
    path.write_bytes(b'\xff\xfe{"swelling": "yes"}')
    done = run("assess", str(path))
    assert done.returncode != 0 and "not UTF-8" in done.stderr and "Traceback" not in done.stderr


def test_assess_missing_file():
    done = run("assess", "/nonexistent/case.json")
    assert done.returncode != 0 and "cannot read" in done.stderr


def test_a_bad_emergency_number_is_refused():
    done = run("chat", "--json", "--emergency-number", "help", stdin="")
    assert done.returncode != 0 and "emergency number" in done.stderr


def _subcommands(parser):
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


@pytest.mark.parametrize("command", sorted(_subcommands(build_parser())))
def test_every_command_has_help(command):
    done = run(command, "--help")
    assert done.returncode == 0 and "usage: legcheck" in done.stdout


def test_a_blank_line_asks_again_without_counting_as_a_miss():
    """A blank Enter counted as a failed answer (issue 17): two of them recorded the red flags as unknown."""
    out = events(run("chat", "--json", "--locale", "en-GB", stdin="\n\n\n" + "no\n" * 12).stdout)
    keys = [event.get("key") for event in out if event["type"] == "say"]
    assert "not_understood" not in keys and "give_up" not in keys
    first = [event for event in out if event["type"] == "ask"][:4]
    assert [event["question"] for event in first] == ["red_flags_chest"] * 4
    assert out[-1]["type"] == "result" and out[-1]["level"] == "SELF_CARE"


def test_a_very_long_line_is_cut_with_a_message_not_echoed_whole():
    long_line = "well it started when I was walking the dog " * 25_000  # about 1 MB
    out = events(run("chat", "--json", stdin=long_line + "\nno\n").stdout)
    errors = [event["text"] for event in out if event["type"] == "error"]
    heard = [event for event in out if event["type"] == "heard"]
    assert any("long answer" in text for text in errors)
    assert len(heard[0]["text"]) <= 2000


def test_the_terminal_chat_asks_again_on_a_blank_enter():
    from skill.chat import run_chat
    from skill.dialogue import Dialogue

    answers, said = iter(["", "   ", "no"] + ["no"] * 12), []
    run_chat(Dialogue("en-GB"), ask=lambda prompt: next(answers), say=said.append)
    assert not any("did not catch that" in text for text in said)
    assert said.count("Are you short of breath, or do you have chest pain, a racing heart, or have you fainted or "
                      "coughed up blood?") >= 3
