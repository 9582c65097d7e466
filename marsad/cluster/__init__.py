"""Stories: the online clusterer that groups a stream of articles across sources and languages."""

from marsad.cluster.clusterer import Assignment, ClusterOptions, StoryClusterer
from marsad.cluster.frequencies import DocumentFrequencies, document_frequencies
from marsad.cluster.story import Member, StoryView, story_fields
from marsad.cluster.stream import StoryTracker

__all__ = [
    "Assignment",
    "ClusterOptions",
    "DocumentFrequencies",
    "Member",
    "StoryClusterer",
    "StoryTracker",
    "StoryView",
    "document_frequencies",
    "story_fields",
]
