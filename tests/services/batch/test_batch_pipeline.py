"""The pieces together, as ``skillgraph extract`` uses them: every input row is accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from services.batch import ErrorLog, RowError, RowResult, errors_path_for, open_writer, read_records


def test_every_input_row_ends_up_in_the_output_or_the_error_log(tmp_path: Path) -> None:
    source = tmp_path / "ads.csv"
    source.write_bytes(b'id,text\n1,"ok\none"\n2,\n3,a,b\n4,ok two\n5,bad \xfe\n')
    output = tmp_path / "skills.parquet"
    errors_path = errors_path_for(output)
    assert errors_path is not None

    with open_writer(output) as writer, ErrorLog(errors_path) as errors:
        for item in read_records(source):
            if isinstance(item, RowError):
                errors.write(item)
            else:
                writer.write(RowResult(item.id, item.row_number, "v1.2.0", ()))

    assert pq.read_table(output).column("id").to_pylist() == ["1", "4"]
    logged = [json.loads(line) for line in Path(errors_path).read_text().splitlines()]
    assert [entry["row"] for entry in logged] == [2, 3, 5]
    assert errors.count == 3
