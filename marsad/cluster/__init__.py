"""Stories: the online clusterer that groups a stream of articles across sources and languages."""

from marsad.cluster.clusterer import Assignment, ClusterOptions, StoryClusterer
from marsad.cluster.story import Member, StoryView, story_fields
from marsad.cluster.stream import StoryTracker

__all__ = [
    "Assignment",
    "ClusterOptions",
    "Member",
    "StoryClusterer",
    "StoryTracker",
    "StoryView",
    "story_fields",
]
