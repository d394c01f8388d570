"""Reading a loaded knowledge base as a whole: comparisons side by side (compare, factdiff)
and counts (stats). Imports kb.core and kb.entries."""
