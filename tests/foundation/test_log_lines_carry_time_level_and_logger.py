"""Every log line has a time, a level and the logger's name; CMP_LOG_FORMAT=json makes each line a
JSON object (cmp/logs.py)."""

from __future__ import annotations

import json
import re

PROBE = ["shell", "-c", "import logging; logging.getLogger('cmp.probe').warning('hello %s', 'there')"]


def test_text_lines_carry_time_level_and_logger(manage):
    result = manage(*PROBE)
    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING cmp\.probe: hello there", line), line


def test_json_lines_are_one_object_each(manage):
    result = manage(*PROBE, env={"CMP_LOG_FORMAT": "json"})
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "cmp.probe"
    assert entry["message"] == "hello there"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])


def test_an_unknown_format_stops_start_up_naming_the_variable(manage):
    result = manage("check", env={"CMP_LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "CMP_LOG_FORMAT" in result.stderr
