"""The benchmark reports state what their runs found, never a fixed claim (bench/voice_latency.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from voice_latency import outcomes_sentence, session_outcome  # noqa: E402

ASKED_AGAIN = {"type": "say", "key": "not_understood"}


def result(level: str) -> dict:
    return {"type": "result", "level": level}


def test_a_session_at_its_level_is_right():
    outcome = session_outcome([result("URGENT")], "URGENT")
    assert outcome["right"] and not outcome["lower"] and outcome["text"] == "URGENT (expected URGENT)"


def test_a_lower_level_is_counted_and_said():
    outcomes = [session_outcome([result("SELF_CARE")], "URGENT"), session_outcome([result("EMERGENCY")], "EMERGENCY")]
    assert outcomes[0]["lower"]
    assert outcomes_sentence(outcomes).startswith("1 of 2 sessions reached the expected level; 1 ended lower")


def test_a_session_with_no_result_counts_as_lower():
    assert session_outcome([ASKED_AGAIN], "SELF_CARE")["lower"]


def test_an_answer_asked_again_is_named_as_the_cause_of_a_shifted_script():
    outcome = session_outcome([ASKED_AGAIN, result("URGENT")], "SELF_CARE")
    assert not outcome["right"] and not outcome["lower"] and outcome["asked_again"] == 1
    assert "asked again, so the recording ran out of step" in outcome["text"]
    assert outcomes_sentence([outcome]).endswith("1 had an answer asked again")


def test_pooled_runs_keep_every_turn_and_each_runs_p95():
    from voice_latency import pooled

    runs = [{"latencies": [1.0, 2.0, 3.0], "rss_kb": 5, "turns": 3, "levels": {"a": "x"}, "outcomes": []},
            {"latencies": [10.0, 20.0, 30.0], "rss_kb": 7, "turns": 3, "levels": {"a": "y"}, "outcomes": []}]
    both = pooled(runs)
    assert both["latencies"] == [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]
    assert both["rss_kb"] == 7 and both["turns"] == 6 and both["levels"] == {"a": "x"}
    assert both["run_p95"][0] < 3.0 < both["run_p95"][1]
