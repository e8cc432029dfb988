"""Reading published reports back: ``nianbao parse`` (one file) and the folder audit (``--board``).

Modules, by what they hold:

* :mod:`.detect` — what a file is (HTML, PDF, Word, Markdown, text — or not a report) and which
  format a report is laid out in (by each format's distinguishing labels);
* :mod:`.page`, :mod:`.pdf`, :mod:`.word`, :mod:`.text` — each form into :class:`.lines.Line`;
* :mod:`.segment` — run-together text cut into labels and number runs;
* :mod:`.labels` — labels recognised exactly, as aliases or as variants (typos);
* :mod:`.tables` — the three tables read row by row; :mod:`.cuts` — every way to cut
  run-together numbers into a row's cells; :mod:`.digits` — the cut the table's identities
  leave, or none, with the candidates named;
* :mod:`.texts` — title, sections, texts; :mod:`.parse` — one report, start to end;
* :mod:`.folder` and :mod:`.board` — a folder of reports, rules across years, the board.
"""

from .detect import NotAReport
from .parse import lines_of, parse_file, parse_published

__all__ = ["NotAReport", "lines_of", "parse_file", "parse_published"]
