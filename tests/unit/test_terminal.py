"""The CLI's terminal output: rich on a terminal, plain lines (no '\\r', no escape codes) everywhere else."""

from __future__ import annotations

import io
import re

import pytest

from imagegate.terminal import Column, Terminal

pytestmark = pytest.mark.unit

COLUMNS = [Column("round", "right"), Column("score", "right"), Column("judge"), Column("prompt changes")]
ROWS = [
    (1, "6.0", "failed", "(original prompt)"),
    (10, "7.25", "passed", "+ [bold]not markup[/bold] <b>nor html</b> " + "long " * 60),
]
ESCAPE_CODE = re.compile(r"\x1b\[")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_table_written_to_a_pipe_is_plain_aligned_lines_one_per_row():
    # Given a stream that is not a terminal
    stream = io.StringIO()

    # When a table with a long cell is written
    Terminal(stream).table(COLUMNS, ROWS)

    # Then it is a header and one line per row, each cell as given, without escape codes, box drawing
    # or trailing spaces; right-justified columns end where their header ends
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 + len(ROWS)
    assert not ESCAPE_CODE.search(stream.getvalue()) and "\r" not in stream.getvalue()
    assert not re.search(r"[─━│┃]", stream.getvalue())
    assert all(line == line.rstrip() for line in lines)
    header = lines[0]
    for row, line in zip(ROWS, lines[1:], strict=True):
        assert line.split()[:3] == [str(cell) for cell in row[:3]]
        assert line.endswith(row[3].rstrip())
        for column, cell in zip(COLUMNS[:2], row[:2], strict=True):
            end = header.index(column.header) + len(column.header)
            assert line[:end].endswith(str(cell)), (column, line)


def test_progress_on_a_pipe_is_one_line_per_change_and_never_a_carriage_return():
    # Given a progress display on a stream that is not a terminal
    stream = io.StringIO()
    updates = [(0, "0/3 done"), (0, "0/3 done"), (1, "1/3 done"), (1, "1/3 done"), (3, "3/3 done")]

    # When it is told the same state several times
    with Terminal(stream).progress(3) as progress:
        for completed, text in updates:
            progress.update(completed, text)

    # Then each change is one line, in order, and nothing is redrawn
    assert stream.getvalue().splitlines() == ["0/3 done", "1/3 done", "3/3 done"]
    assert "\r" not in stream.getvalue() and not ESCAPE_CODE.search(stream.getvalue())


def test_on_a_terminal_rich_draws_the_table_and_redraws_the_progress_in_place():
    # Given a stream that says it is a terminal
    stream = _Tty()
    terminal = Terminal(stream)
    assert terminal.interactive

    # When a table and a progress display are written
    terminal.table(COLUMNS, ROWS[:1])
    with terminal.progress(2) as progress:
        progress.update(1, "1/2 done")
        progress.update(2, "2/2 done")

    # Then the table has a rule under its header and the bar is redrawn with its final text shown
    output = stream.getvalue()
    assert "─" in output and "(original prompt)" in output
    assert ESCAPE_CODE.search(output) and "2/2 done" in output


def test_a_styled_line_is_coloured_on_a_terminal_only_and_its_text_never_read_as_markup():
    plain, tty = io.StringIO(), _Tty()

    for stream in (plain, tty):
        Terminal(stream).line("status [red]PASSED[/red]", style="bold green")

    assert plain.getvalue() == "status [red]PASSED[/red]\n"
    assert "[red]PASSED[/red]" in tty.getvalue() and ESCAPE_CODE.search(tty.getvalue())


def test_the_stream_is_looked_up_at_each_write_so_redirection_is_honoured(capsys):
    # Given a Terminal made before pytest's capture is read
    terminal = Terminal()

    # When it writes / Then the text goes to whatever sys.stdout is at that moment
    terminal.line("hello")
    terminal.table([Column("a")], [("x",)])
    assert capsys.readouterr().out.splitlines() == ["hello", "a", "x"]


def test_a_reader_that_leaves_early_ends_the_cli_quietly(tmp_path, monkeypatch, capsys):
    # Given a run folder to show, and a stdout whose reader has gone (| head): every write is a broken pipe
    import json

    from imagegate.cli import EXIT_BROKEN_PIPE, main
    from imagegate.export import build_run_document

    run = {
        "runId": "r1",
        "status": "EXHAUSTED",
        "prompt": "a cat",
        "settings": {"threshold": 7.5},
        "finalScore": None,
        "bestRound": None,
        "costUsd": 0.0,
    }
    (tmp_path / "run.json").write_text(json.dumps(build_run_document(run, [])), encoding="utf-8")
    sink = (tmp_path / "sink").open("w")

    class _GoneReader(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            return sink.fileno()

    monkeypatch.setattr("sys.stdout", _GoneReader())

    # When the CLI writes its output / Then it stops with the shell's code for a closed pipe, saying nothing
    assert main(["show", str(tmp_path)]) == EXIT_BROKEN_PIPE == 141
    assert capsys.readouterr().err == ""
    sink.close()
