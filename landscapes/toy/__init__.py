"""The lecture's 2-D linear classifier, split by job; the public names live in landscapes.toy_classifier."""
