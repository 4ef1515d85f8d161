"""What a resumed batch run must share with the run it resumes."""

from __future__ import annotations

from pathlib import Path

from services.cli.batch_run import BatchOptions, run_identity
from services.settings import ServiceSettings


def _options(path: Path) -> BatchOptions:
    return BatchOptions(
        input_path=str(path),
        text_column="text",
        id_column="id",
        output=str(path.with_suffix(".out.jsonl")),
        input_format=None,
        errors_path=None,
        batch_size=32,
        workers=None,
        resume=True,
        checkpoint_every=1000,
    )


def test_settings_that_change_no_result_do_not_block_a_resume(tmp_path: Path):
    source = tmp_path / "ads.jsonl"
    source.write_text('{"id": "1", "text": "x"}\n')
    options, base = _options(source), ServiceSettings(data_dir=tmp_path)
    identity = run_identity(options, base, {"command": "extract"})
    for unchanged in (
        {"encoder.threads": "1", "spans.threads": "2"},
        {"api.keys": "secret", "api.rate_limit": "60"},
        {"store.timeout": "5", "rdf.dataset": "other"},
    ):
        assert run_identity(options, base.replace(unchanged), {"command": "extract"}) == identity
    for changed in ({"extraction.phrase_weight": "0.5"}, {"memory.seed": ""}):
        assert run_identity(options, base.replace(changed), {"command": "extract"}) != identity
    assert "secret" not in str(identity)
