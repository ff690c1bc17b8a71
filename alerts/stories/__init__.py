"""Story grouping: one story per real-world event, across outlets, languages and scripts."""

from alerts.stories.grouper import StoryGrouper
from alerts.stories.model import Placement, StoryDoc

__all__ = ["Placement", "StoryDoc", "StoryGrouper"]
