"""Name matching: finds watched people in article text, in any script, spelling or case.

Pure code: no I/O. ``Matcher.build(names)`` once, then ``match(title, summary)`` per article.
"""

from alerts.matching.matcher import Matcher
from alerts.matching.model import Match, WatchName
from alerts.matching.text import html_to_text

__all__ = ["Match", "Matcher", "WatchName", "html_to_text"]
