"""Address matching to UPRN: parse, candidates, score, decide."""
