"""A personal trial plan (N-of-1): blocks with the release and without it, in an order drawn at
random, one evening rating a day, and what the ratings can and cannot show."""
