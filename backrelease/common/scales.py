"""The rating scales, each defined once: model fields, check constraints, forms, charts and the
pages' wording read their ends from here. Every scale starts at 0."""

from __future__ import annotations

# Pain now, on the 0-10 numeric rating scale.
PAIN_MAX = 10
# The lumbar arch, by how much of a flat hand slides under the lower back lying down.
ARCH_MAX = 4
# How tense the muscles feel, 0-10, the session's optional extra.
TENSION_MAX = 10
# Each of the three items of the weekly PEG check-in (Krebs et al., 2009).
PEG_MAX = 10
