"""One spelling per option across the whole CLI: every multi-word option takes --a-b and --a_b."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from transformers import HfArgumentParser

from services.cli.main import cli
from services.train.args import DataArguments, ModelArguments, RunArguments

ROUNDTRIP = str(Path(sys.executable).parent / "roundtrip")


def commands(command: Any, path: str = "roundtrip") -> list[tuple[str, Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += commands(sub, f"{path} {name}")
    return found


def test_every_typer_option_has_both_spellings() -> None:
    checked = 0
    for path, command in commands(cli):
        for param in command.params:
            if param.param_type_name != "option":
                continue
            for names in (param.opts, param.secondary_opts):
                for name in [n for n in names if n.startswith("--") and ("-" in n[2:] or "_" in n[2:])]:
                    dashed, underscored = "--" + name[2:].replace("_", "-"), "--" + name[2:].replace("-", "_")
                    assert {dashed, underscored} <= set(names), f"{path}: {name}"
                    checked += 1
    assert checked >= 10  # database-url, max-new-tokens, top-p … were all seen


def test_train_arguments_take_both_spellings() -> None:
    parser = HfArgumentParser((DataArguments, ModelArguments, RunArguments))  # type: ignore[arg-type]
    for action in parser._actions:
        long = [s for s in action.option_strings if s.startswith("--") and s != "--help"]
        for name in long:
            if "_" in name[2:] or "-" in name[2:]:
                assert {"--" + name[2:].replace("-", "_"), "--" + name[2:].replace("_", "-")} <= set(long)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"COLUMNS": "200"}
    return subprocess.run([ROUNDTRIP, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_predict_and_report_take_database_url_either_way(tmp_path: Path) -> None:
    test_file = tmp_path / "test.csv"
    test_file.write_text("id,sentence,subject_entity,object_entity,label,source\n")
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    for spelling in ("--database-url", "--database_url"):
        for args in (
            ("predict", "no-such-run", str(test_file), spelling, url),
            ("report", "run", "no-such-run", "--test", str(test_file), spelling, url),
        ):
            done = run(*args, cwd=tmp_path)
            assert done.returncode == 2, done.stderr
            assert "No such option" not in done.stderr
            assert "no training run 'no-such-run'" in done.stderr or "the file holds no rows" in done.stderr
