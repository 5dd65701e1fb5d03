"""Performance figures for advisory, as ratios against named peers in the same run."""
