"""Benchmarks and quality measurements (not unit tests). Evaluation data: $MARSAD_EVAL_DATA."""
