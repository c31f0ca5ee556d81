"""The CLI's terminal output: tables and progress drawn by rich on a terminal, plain lines when stdout is a
pipe, a file or a log (no colour, no box drawing, no cursor movement, no '\\r'; one line per change).

    out = Terminal()
    out.table([Column("round", "right"), Column("score", "right"), Column("prompt changes")], rows)
    with out.progress(total=11) as progress:
        progress.update(3, "3/11 runs finished, 2 passed")

Every command with long-running or tabular output (run, show, bench, soak) goes through here, so a script
reading imagegate's output sees the same plain lines whichever command wrote them.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any, Literal

# A pipe has no width: plain tables are laid out this wide (and never folded) so each row stays one line.
PLAIN_WIDTH = 1000


@dataclass(frozen=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "left"


class Terminal:
    """Where the CLI writes: ``file`` (default: sys.stdout at the time of each write, so redirections and
    pytest's capture are honoured); ``interactive`` (default: whether that stream is a terminal)."""

    def __init__(self, file: IO[str] | None = None, interactive: bool | None = None) -> None:
        self._file = file
        self._interactive = interactive

    @property
    def stream(self) -> IO[str]:
        return self._file or sys.stdout

    @property
    def interactive(self) -> bool:
        if self._interactive is not None:
            return self._interactive
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def line(self, text: str = "", style: str | None = None) -> None:
        """One line as given (a style colours it on a terminal only; the text is never read as markup)."""
        if self.interactive and style:
            from rich.text import Text

            self._console().print(Text(text, style=style), soft_wrap=True)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
        """Rows under their headers: boxed by rich on a terminal; elsewhere aligned columns of plain text,
        one line per row, no trailing spaces."""
        from rich import box
        from rich.table import Table

        interactive = self.interactive
        table = Table(
            title=title,
            box=box.SIMPLE_HEAD if interactive else None,
            show_edge=interactive,
            pad_edge=interactive,
            header_style="bold" if interactive else "",
            title_style="",
            title_justify="left",
        )
        for column in columns:
            table.add_column(column.header, justify=column.justify, no_wrap=not interactive, overflow="fold")
        for row in rows:
            table.add_row(*(str(cell) for cell in row))
        if interactive:
            self._console().print(table)
            return
        rendered = io.StringIO()
        _plain_console(rendered).print(table)
        for text in rendered.getvalue().splitlines():
            self.stream.write(text.rstrip() + "\n")
        self.stream.flush()

    def progress(self, total: int) -> Progress:
        """A progress display towards ``total`` (a context manager)."""
        return Progress(self, total)

    def _console(self) -> Any:
        from rich.console import Console

        return Console(file=self.stream, force_terminal=True, highlight=False, markup=False, emoji=False)


def _plain_console(stream: IO[str]) -> Any:
    from rich.console import Console

    return Console(
        file=stream,
        width=PLAIN_WIDTH,
        color_system=None,
        force_terminal=False,
        no_color=True,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )


class Progress:
    """On a terminal a bar redrawn in place (rich) with the caller's text and
    the time elapsed; elsewhere the caller's text as a line each time it changes, never a '\\r'."""

    def __init__(self, terminal: Terminal, total: int) -> None:
        self._terminal = terminal
        self._total = total
        self._last: tuple[int, str] | None = None
        self._live: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self._terminal.interactive:
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._live = RichProgress(
                BarColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self._terminal._console(),
                transient=False,
            )
            self._live.start()
            self._task = self._live.add_task("", total=self._total)
        return self

    def update(self, completed: int, text: str) -> None:
        """``completed`` of the total are done; ``text`` says it in words (the whole plain line)."""
        if self._live is not None:
            self._live.update(self._task, completed=completed, description=text)
            return
        if self._last != (completed, text):
            self._last = (completed, text)
            self._terminal.line(text)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
